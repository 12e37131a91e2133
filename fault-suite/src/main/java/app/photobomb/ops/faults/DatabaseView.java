package app.photobomb.ops.faults;

import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** The photobomb tables as the API (and an auditor) sees them: what is left of an account. */
final class DatabaseView {

  private final JdbcTemplate jdbc;

  DatabaseView(DataSource admin) {
    this.jdbc = new JdbcTemplate(admin);
  }

  /** The account's row and photos in words, e.g. "users row present (deleted_at null), 3 photos, 6 photo_files". */
  String account(UUID userId) {
    List<String> deletedAt = jdbc.queryForList("SELECT coalesce(deleted_at::text, 'null') FROM users WHERE user_id = ?",
        String.class, userId);
    return (deletedAt.isEmpty() ? "users row gone" : "users row present (deleted_at " + deletedAt.get(0) + ")")
        + ", " + photos(userId) + " photos, " + count("photo_files", userId) + " photo_files, "
        + count("storage_retry", "object_key LIKE '%' || ? || '%'", userId) + " queued uploads";
  }

  boolean userExists(UUID userId) {
    return count("users", userId) > 0;
  }

  boolean softDeleted(UUID userId) {
    return jdbc.queryForObject("SELECT count(*) FROM users WHERE user_id = ? AND deleted_at IS NOT NULL", Long.class,
        userId) > 0;
  }

  long photos(UUID userId) {
    return count("photos", userId);
  }

  /** Rows of storage_retry (the durable upload queue) whose key names the account. */
  long queuedUploads(UUID userId) {
    return count("storage_retry", "object_key LIKE '%' || ? || '%'", userId);
  }

  /** The statuses of the photo's reprocess_thumbnails jobs, one per row. */
  List<String> thumbnailJobs(UUID photoId) {
    return jdbc.queryForList("SELECT status FROM processing_jobs WHERE photo_id = ? AND job_type = "
        + "'reprocess_thumbnails' ORDER BY job_id", String.class, photoId);
  }

  /** The photo's thumbnail rows as {@code kind bucket/key}. */
  List<String> thumbnailFiles(UUID photoId) {
    return jdbc.queryForList("SELECT kind || ' ' || bucket || '/' || object_key FROM photo_files WHERE photo_id = ? "
        + "AND kind LIKE 'thumb_%' ORDER BY kind", String.class, photoId);
  }

  /** Jobs not yet ended (queued or in a worker's hands). */
  long unfinishedJobs() {
    return jdbc.queryForObject("SELECT count(*) FROM processing_jobs WHERE status IN ('queued', 'running')",
        Long.class);
  }

  /** Jobs in a worker's hands now. */
  long runningJobs() {
    return jdbc.queryForObject("SELECT count(*) FROM processing_jobs WHERE status = 'running'", Long.class);
  }

  private long count(String table, UUID userId) {
    return count(table, "user_id = ?", userId);
  }

  private long count(String table, String where, UUID userId) {
    return jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE " + where, Long.class,
        where.contains("LIKE") ? userId.toString() : userId);
  }
}
