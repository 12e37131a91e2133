package app.photobomb.ops.deletion.domain;

import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.database.AccountLocks;
import app.photobomb.ops.common.events.CachePurgeRequested;
import app.photobomb.ops.common.events.UserDeletionFailed;
import app.photobomb.ops.common.events.UserDeletionScheduled;
import app.photobomb.ops.common.events.UserRestored;
import app.photobomb.ops.common.messaging.Outbox;
import app.photobomb.ops.deletion.config.DeletionProperties;
import app.photobomb.ops.deletion.domain.UserDeletions.UserLock;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The database phase of a hard delete (runbook task 9), one transaction per account: re-checks under the row
 * locks that the account is still soft-deleted and past its grace period, records what to delete from the
 * stores as deletion tasks, drops its queued uploads, deletes all its rows in the runbook's order, audits, and
 * asks the CDN to forget its thumbnails. An account that fails the re-check moves on (restored, rescheduled or
 * failed, with an audit row and an event), so it never blocks the accounts behind it.
 */
@Service
public class HardDeleter {

  /** What one account's turn came to. */
  public enum Outcome {
    /** Its rows are deleted; the object phase follows. */
    DELETED,
    /** It was not due after all and moved on: restored, rescheduled or failed. */
    MOVED_ON,
    /** Another replica holds it, or handled it already. */
    SKIPPED
  }

  private static final Logger log = LoggerFactory.getLogger(HardDeleter.class);
  private static final List<String> THUMBNAIL_SIZES = List.of("256", "512", "1024");
  private static final String ACTOR = "deletion-service";

  private final JdbcTemplate jdbc;
  private final UserDeletions deletions;
  private final AuditLog audit;
  private final Outbox outbox;
  private final DeletionProperties properties;
  private final Clock clock;
  private final TransactionTemplate transactions;
  private final Prefixes userPrefixes;
  private final Prefixes photoPrefixes;

  public HardDeleter(JdbcTemplate jdbc, UserDeletions deletions, AuditLog audit, Outbox outbox,
      DeletionProperties properties, Clock clock, TransactionTemplate transactions) {
    this.jdbc = jdbc;
    this.deletions = deletions;
    this.audit = audit;
    this.outbox = outbox;
    this.properties = properties;
    this.clock = clock;
    this.transactions = transactions;
    this.userPrefixes = Prefixes.of(properties.userPrefixes());
    this.photoPrefixes = Prefixes.of(properties.photoPrefixes());
  }

  /**
   * Gives each account due now its turn, oldest first, up to {@code limit}; returns how many it deleted or
   * moved on (accounts another replica holds are left to it).
   */
  public int deleteDue(int limit) {
    List<UUID> due = jdbc.queryForList("""
        SELECT user_id FROM user_deletions WHERE status = 'scheduled' AND hard_delete_after <= ?
        ORDER BY hard_delete_after LIMIT ?""", UUID.class, Timestamp.from(clock.instant()), limit);
    int progressed = 0;
    for (UUID userId : due) {
      if (transactions.execute(status -> deleteIfDue(userId)) != Outcome.SKIPPED) {
        progressed++;
      }
    }
    return progressed;
  }

  /** Deletes the user's rows if, under lock, the user is still due; returns the rows deleted per table. */
  @Transactional
  public Optional<Map<String, Long>> deleteRows(UUID userId) {
    return deleteIfDue(userId) == Outcome.DELETED
        ? Optional.of(rowsDeleted(userId)) : Optional.empty();
  }

  private Outcome deleteIfDue(UUID userId) {
    UserLock user = deletions.tryLockUser(userId);
    if (user instanceof UserLock.Busy) {
      return Outcome.SKIPPED;
    }
    Optional<UserDeletion> locked = deletions.tryLock(userId);
    Instant now = clock.instant();
    if (locked.isEmpty() || locked.get().status() != UserDeletion.Status.SCHEDULED
        || locked.get().hardDeleteAfter().isAfter(now)) {
      return Outcome.SKIPPED;
    }
    UserDeletion deletion = locked.get();
    if (user instanceof UserLock.Missing) {
      return fail(deletion, "user_row_missing");
    }
    Optional<Instant> deletedAt = ((UserLock.Held) user).deletedAt();
    if (deletedAt.isEmpty()) {
      return restoredElsewhere(deletion);
    }
    Instant dueAt = deletedAt.get().plus(properties.grace());
    if (!deletion.forced() && dueAt.isAfter(now)) {
      return reschedule(deletion, deletedAt.get(), dueAt);
    }
    deleteAccount(deletion);
    return Outcome.DELETED;
  }

  private Outcome fail(UserDeletion deletion, String reason) {
    deletions.fail(deletion.userId(), reason);
    audit.record(deletion.userId(), "account_deletion_failed", ACTOR, Map.of("reason", reason));
    outbox.emit(new UserDeletionFailed(deletion.userId(), reason), deletion.correlationId());
    log.warn("deletion of user {} failed: {} (the users row is gone, yet no hard delete of ours removed it)",
        deletion.userId(), reason);
    return Outcome.MOVED_ON;
  }

  private Outcome restoredElsewhere(UserDeletion deletion) {
    deletions.markRestored(deletion.userId());
    audit.record(deletion.userId(), "account_restored", ACTOR,
        Map.of("reason", "users.deleted_at was cleared outside the deletion-service",
            "was_due", deletion.hardDeleteAfter().toString()));
    outbox.emit(new UserRestored(deletion.userId()), deletion.correlationId());
    log.info("user {} was restored outside the deletion-service (deleted_at cleared); its deletion is withdrawn",
        deletion.userId());
    return Outcome.MOVED_ON;
  }

  private Outcome reschedule(UserDeletion deletion, Instant softDeletedAt, Instant dueAt) {
    deletions.reschedule(deletion.userId(), softDeletedAt, dueAt);
    audit.record(deletion.userId(), "account_deletion_rescheduled", ACTOR, Map.of(
        "reason", "users.deleted_at is later than the schedule assumed",
        "was_due", deletion.hardDeleteAfter().toString(), "hard_delete_after", dueAt.toString()));
    outbox.emit(new UserDeletionScheduled(deletion.userId(), dueAt), deletion.correlationId());
    log.info("user {} is not due before {}; rescheduled", deletion.userId(), dueAt);
    return Outcome.MOVED_ON;
  }

  private void deleteAccount(UserDeletion deletion) {
    UUID userId = deletion.userId();
    // Exports completing now wait for this commit and then see the user gone (their links never go out).
    AccountLocks.exclusive(jdbc, userId);
    recordObjectTasks(userId);
    dropQueuedUploads(userId);
    List<UUID> photoIds = jdbc.queryForList("SELECT photo_id FROM photos WHERE user_id = ?", UUID.class, userId);
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put("face_detections", delete("DELETE FROM face_detections WHERE user_id = ?", userId));
    rows.put("face_clusters", delete("DELETE FROM face_clusters WHERE user_id = ?", userId));
    rows.put("album_photos", delete("""
        DELETE FROM album_photos WHERE album_id IN (SELECT album_id FROM albums WHERE user_id = ?)
            OR photo_id IN (SELECT photo_id FROM photos WHERE user_id = ?)""", userId, userId));
    rows.put("albums", delete("DELETE FROM albums WHERE user_id = ?", userId));
    rows.put("photo_files", delete("DELETE FROM photo_files WHERE user_id = ?", userId));
    rows.put("photos", delete("DELETE FROM photos WHERE user_id = ?", userId));
    rows.put("users", delete("DELETE FROM users WHERE user_id = ?", userId));
    jdbc.update("DELETE FROM user_deletion_cancels WHERE user_id = ?", userId);
    jdbc.update("""
        UPDATE user_deletions SET status = 'deleting_objects', rows_deleted = ?::jsonb, updated_at = now()
        WHERE user_id = ?""", json(rows), userId);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("retention_period", deletion.forced() ? "none: immediate" : properties.grace().toDays() + " days");
    details.put("forced", deletion.forced());
    details.putAll(rows);
    audit.record(userId, "account_deleted", ACTOR, details);
    requestPurges(photoIds, deletion.correlationId());
    log.info("user {} rows deleted: {}", userId, rows);
  }

  /**
   * Every version under the user's prefixes and each photo's prefixes is listed (one store call per page); a
   * stored key under none of them is listed on its own.
   */
  private void recordObjectTasks(UUID userId) {
    jdbc.update("""
        INSERT INTO deletion_tasks (user_id, kind, bucket, object_key)
        SELECT ?, 'prefix', p.bucket, replace(p.pattern, '{userId}', ?) FROM unnest(?::text[], ?::text[]) AS p(bucket, pattern)
        ON CONFLICT DO NOTHING""", userId, userId.toString(), userPrefixes.buckets(), userPrefixes.patterns());
    jdbc.update("""
        INSERT INTO deletion_tasks (user_id, kind, bucket, object_key)
        SELECT ?, 'prefix', p.bucket, replace(p.pattern, '{photoId}', ph.photo_id::text)
        FROM photos ph CROSS JOIN unnest(?::text[], ?::text[]) AS p(bucket, pattern) WHERE ph.user_id = ?
        ON CONFLICT DO NOTHING""", userId, photoPrefixes.buckets(), photoPrefixes.patterns(), userId);
    Prefixes all = userPrefixes.and(photoPrefixes);
    jdbc.update("""
        INSERT INTO deletion_tasks (user_id, kind, bucket, object_key, size_bytes)
        SELECT f.user_id, 'object', f.bucket, f.object_key, f.size_bytes FROM photo_files f
        WHERE f.user_id = ? AND NOT EXISTS (
            SELECT 1 FROM unnest(?::text[], ?::text[]) AS p(bucket, pattern)
            WHERE p.bucket = f.bucket AND starts_with(f.object_key,
                replace(replace(p.pattern, '{userId}', f.user_id::text), '{photoId}', f.photo_id::text)))
        ON CONFLICT DO NOTHING""", userId, all.buckets(), all.patterns());
  }

  /**
   * Uploads still queued for the user's keys (storage_retry, after a store outage) would recreate objects after
   * the object phase; their rows go in this transaction (a send in flight holds its row, so this waits for it),
   * and the instance that spooled them removes the spool files.
   */
  private void dropQueuedUploads(UUID userId) {
    int dropped = jdbc.update("""
        DELETE FROM storage_retry r USING deletion_tasks t
        WHERE t.user_id = ? AND t.kind IN ('prefix', 'object') AND t.bucket = r.bucket
          AND (t.kind = 'prefix' AND starts_with(r.object_key, t.object_key) OR r.object_key = t.object_key)""",
        userId);
    if (dropped > 0) {
      log.info("user {}: {} queued uploads dropped", userId, dropped);
    }
  }

  private Map<String, Long> rowsDeleted(UUID userId) {
    Map<String, Long> rows = new LinkedHashMap<>();
    jdbc.query("SELECT key, value::bigint FROM user_deletions, jsonb_each_text(rows_deleted) WHERE user_id = ?",
        (java.sql.ResultSet row) -> {
          rows.put(row.getString(1), row.getLong(2));
        }, userId);
    return rows;
  }

  private void requestPurges(List<UUID> photoIds, String correlationId) {
    int chunk = properties.purgeChunkPhotos();
    for (int from = 0; from < photoIds.size(); from += chunk) {
      List<String> urls = new ArrayList<>();
      for (UUID photoId : photoIds.subList(from, Math.min(photoIds.size(), from + chunk))) {
        for (String size : THUMBNAIL_SIZES) {
          urls.add(properties.cdnBaseUrl() + "/thumb/" + photoId + "/" + size + ".webp");
        }
      }
      outbox.emit(new CachePurgeRequested(UUID.randomUUID(), urls, null, false, false, ACTOR), correlationId);
    }
  }

  private long delete(String sql, Object... args) {
    return jdbc.update(sql, args);
  }

  private static String json(Map<String, Long> rows) {
    StringBuilder json = new StringBuilder("{");
    rows.forEach((table, count) -> json.append(json.length() > 1 ? "," : "").append('"').append(table)
        .append("\":").append(count));
    return json.append('}').toString();
  }

  /** {@code bucket:prefix} settings as two parallel arrays, for unnest in SQL. */
  private record Prefixes(String[] buckets, String[] patterns) {

    static Prefixes of(List<String> pairs) {
      return new Prefixes(pairs.stream().map(p -> p.substring(0, p.indexOf(':'))).toArray(String[]::new),
          pairs.stream().map(p -> p.substring(p.indexOf(':') + 1)).toArray(String[]::new));
    }

    Prefixes and(Prefixes other) {
      return new Prefixes(concat(buckets, other.buckets), concat(patterns, other.patterns));
    }

    private static String[] concat(String[] first, String[] second) {
      return java.util.stream.Stream.concat(java.util.Arrays.stream(first), java.util.Arrays.stream(second))
          .toArray(String[]::new);
    }
  }
}
