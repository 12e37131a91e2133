package app.photobomb.ops.deletion.domain;

import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.database.AccountLocks;
import app.photobomb.ops.common.events.UserDeletionFailed;
import app.photobomb.ops.common.events.UserDeletionScheduled;
import app.photobomb.ops.common.events.UserRestored;
import app.photobomb.ops.common.messaging.Outbox;
import app.photobomb.ops.deletion.config.DeletionProperties;
import app.photobomb.ops.deletion.domain.UserDeletions.UserLock;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
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
 * locks that the account is still soft-deleted and past its grace period, deletes all its rows in the runbook's
 * order while recording what to delete from the stores as deletion tasks (a listing per user prefix, the ids of
 * its photos whose prefixes are to be listed, and a listing per stored key under none of them), drops its queued
 * uploads, and audits. An account that fails the re-check moves on (restored, rescheduled or failed, with an audit
 * row and an event), so it never blocks the accounts behind it. The CDN purge of its thumbnails waits for the
 * object phase's end (ObjectDeleter).
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
    Prefixes user = userPrefixes.forUser(userId);
    jdbc.update("""
        INSERT INTO deletion_tasks (user_id, kind, bucket, object_key)
        SELECT ?, 'prefix', p.bucket, p.prefix FROM unnest(?::text[], ?::text[]) AS p(bucket, prefix)
        ON CONFLICT DO NOTHING""", userId, user.buckets(), user.patterns());
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put("face_detections", delete("DELETE FROM face_detections WHERE user_id = ?", userId));
    rows.put("face_clusters", delete("DELETE FROM face_clusters WHERE user_id = ?", userId));
    rows.put("album_photos", delete("""
        DELETE FROM album_photos WHERE album_id IN (SELECT album_id FROM albums WHERE user_id = ?)
            OR photo_id IN (SELECT photo_id FROM photos WHERE user_id = ?)""", userId, userId));
    rows.put("albums", delete("DELETE FROM albums WHERE user_id = ?", userId));
    rows.put("photo_files", deleteFilesRecordingStrays(userId, user.and(photoPrefixes.forUser(userId))));
    rows.put("photos", deletePhotosRecordingTheirIds(userId));
    rows.put("users", delete("DELETE FROM users WHERE user_id = ?", userId));
    dropQueuedUploads(userId);
    jdbc.update("DELETE FROM user_deletion_cancels WHERE user_id = ?", userId);
    jdbc.update("""
        UPDATE user_deletions SET status = 'deleting_objects', rows_deleted = ?::jsonb, updated_at = now()
        WHERE user_id = ?""", json(rows), userId);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("retention_period", deletion.forced() ? "none: immediate" : properties.grace().toDays() + " days");
    details.put("forced", deletion.forced());
    details.putAll(rows);
    audit.record(userId, "account_deleted", ACTOR, details);
    log.info("user {} rows deleted: {}", userId, rows);
  }

  /**
   * Deletes the user's photo_files rows and, from the same statement's RETURNING, records a listing of each stored
   * key under none of the prefixes (those are listed whole); returns the rows deleted.
   */
  private long deleteFilesRecordingStrays(UUID userId, Prefixes prefixes) {
    return jdbc.queryForObject("""
        WITH files AS (DELETE FROM photo_files WHERE user_id = ? RETURNING photo_id, bucket, object_key, size_bytes),
        strays AS (
            INSERT INTO deletion_tasks (user_id, kind, bucket, object_key, size_bytes)
            SELECT ?, 'object', f.bucket, f.object_key, f.size_bytes FROM files f
            WHERE NOT EXISTS (SELECT 1 FROM unnest(?::text[], ?::text[]) AS p(bucket, prefix)
                WHERE p.bucket = f.bucket
                  AND starts_with(f.object_key, replace(p.prefix, '{photoId}', f.photo_id::text)))
            ON CONFLICT DO NOTHING)
        SELECT count(*) FROM files""", Long.class, userId, userId, prefixes.buckets(), prefixes.patterns());
  }

  /**
   * Deletes the user's photos and, from the same statement's RETURNING, records their ids in one 'photos' task: the
   * object phase turns it into a listing of each photo's prefixes (its thumbnails) and, at its end, purges their
   * CDN URLs. One row instead of one per photo, in the transaction that holds the account's locks; returns the
   * rows deleted.
   */
  private long deletePhotosRecordingTheirIds(UUID userId) {
    return jdbc.queryForObject("""
        WITH gone AS (DELETE FROM photos WHERE user_id = ? RETURNING photo_id),
        recorded AS (
            INSERT INTO deletion_tasks (user_id, kind, bucket, object_key, photo_ids)
            SELECT ?, 'photos', '', '', array_agg(photo_id) FROM gone HAVING count(*) > 0
            ON CONFLICT DO NOTHING)
        SELECT count(*) FROM gone""", Long.class, userId, userId);
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
    Prefixes photo = photoPrefixes.forUser(userId);
    dropped += jdbc.update("""
        DELETE FROM storage_retry r
        USING deletion_tasks t, unnest(t.photo_ids) AS ph(photo_id), unnest(?::text[], ?::text[]) AS p(bucket, prefix)
        WHERE t.user_id = ? AND t.kind = 'photos' AND p.bucket = r.bucket
          AND starts_with(r.object_key, replace(p.prefix, '{photoId}', ph.photo_id::text))""",
        photo.buckets(), photo.patterns(), userId);
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

  private long delete(String sql, Object... args) {
    return jdbc.update(sql, args);
  }

  private static String json(Map<String, Long> rows) {
    StringBuilder json = new StringBuilder("{");
    rows.forEach((table, count) -> json.append(json.length() > 1 ? "," : "").append('"').append(table)
        .append("\":").append(count));
    return json.append('}').toString();
  }
}
