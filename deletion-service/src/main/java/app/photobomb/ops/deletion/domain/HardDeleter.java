package app.photobomb.ops.deletion.domain;

import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.events.CachePurgeRequested;
import app.photobomb.ops.common.messaging.Outbox;
import app.photobomb.ops.deletion.config.DeletionProperties;
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

/**
 * The database phase of a hard delete (runbook task 9), in one transaction: re-checks under the row locks that
 * the account is still soft-deleted and past its grace period, records its stored objects as deletion tasks,
 * deletes all its rows in the runbook's order, audits, and asks the CDN to forget its thumbnails.
 */
@Service
public class HardDeleter {

  private static final Logger log = LoggerFactory.getLogger(HardDeleter.class);
  private static final List<String> THUMBNAIL_SIZES = List.of("256", "512", "1024");

  private final JdbcTemplate jdbc;
  private final UserDeletions deletions;
  private final AuditLog audit;
  private final Outbox outbox;
  private final DeletionProperties properties;
  private final Clock clock;

  public HardDeleter(JdbcTemplate jdbc, UserDeletions deletions, AuditLog audit, Outbox outbox,
      DeletionProperties properties, Clock clock) {
    this.jdbc = jdbc;
    this.deletions = deletions;
    this.audit = audit;
    this.outbox = outbox;
    this.properties = properties;
    this.clock = clock;
  }

  /** Deletes the user's rows if, under lock, the user is still due; returns the rows deleted per table. */
  @Transactional
  public Optional<Map<String, Long>> deleteRows(UUID userId) {
    Optional<UserDeletion> deletion = deletions.lock(userId);
    Optional<Optional<Instant>> user = deletions.lockUser(userId);
    Instant now = clock.instant();
    if (deletion.isEmpty() || deletion.get().status() != UserDeletion.Status.SCHEDULED || user.isEmpty()
        || user.get().isEmpty()
        || !deletion.get().forced() && user.get().get().plus(properties.grace()).isAfter(now)) {
      log.info("user {} is not due for a hard delete any more (restored, still in grace, or gone); skipped", userId);
      return Optional.empty();
    }
    List<UUID> photoIds = jdbc.queryForList("SELECT photo_id FROM photos WHERE user_id = ?", UUID.class, userId);
    jdbc.update("""
        INSERT INTO deletion_tasks (user_id, bucket, object_key, size_bytes)
        SELECT user_id, bucket, object_key, size_bytes FROM photo_files WHERE user_id = ?
        ON CONFLICT DO NOTHING""", userId);
    for (String bucketAndPrefix : properties.userPrefixes()) {
      int colon = bucketAndPrefix.indexOf(':');
      jdbc.update("""
          INSERT INTO deletion_tasks (user_id, kind, bucket, object_key) VALUES (?, 'prefix', ?, ?)
          ON CONFLICT DO NOTHING""", userId, bucketAndPrefix.substring(0, colon),
          bucketAndPrefix.substring(colon + 1).replace("{userId}", userId.toString()));
    }
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
    jdbc.update("""
        UPDATE user_deletions SET status = 'deleting_objects', rows_deleted = ?::jsonb, updated_at = now()
        WHERE user_id = ?""", json(rows), userId);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("retention_period", deletion.get().forced() ? "none: immediate" : properties.grace().toDays() + " days");
    details.put("forced", deletion.get().forced());
    details.putAll(rows);
    audit.record(userId, "account_deleted", "deletion-service", details);
    String correlationId = jdbc.queryForObject("SELECT correlation_id FROM user_deletions WHERE user_id = ?",
        String.class, userId);
    requestPurges(photoIds, correlationId);
    log.info("user {} rows deleted: {}", userId, rows);
    return Optional.of(rows);
  }

  /** Users due now, locked so that another replica's scheduler skips them. */
  @Transactional
  public List<UUID> due(int limit) {
    return jdbc.queryForList("""
        SELECT user_id FROM user_deletions WHERE status = 'scheduled' AND hard_delete_after <= ?
        ORDER BY hard_delete_after LIMIT ? FOR UPDATE SKIP LOCKED""", UUID.class,
        Timestamp.from(clock.instant()), limit);
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
      outbox.emit(new CachePurgeRequested(UUID.randomUUID(), urls, null, false, false, "deletion-service"),
          correlationId);
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
}
