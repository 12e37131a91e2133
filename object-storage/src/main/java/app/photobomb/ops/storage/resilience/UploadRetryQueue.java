package app.photobomb.ops.storage.resilience;

import app.photobomb.ops.common.storage.MeasuredInputStream;
import app.photobomb.ops.common.storage.ObjectContent;
import app.photobomb.ops.common.storage.ObjectStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Uploads that no store took, kept durably: the bytes in a spool directory, a storage_retry row saying where.
 * The spool file is complete (written, synced and renamed) before the row exists, so a crash loses nothing.
 */
public class UploadRetryQueue {

  /** A waiting upload. */
  public record PendingUpload(long id, String bucket, String key, Path spool, long size, String sha256,
      String contentType, int attempts) {

    ObjectContent content() throws IOException {
      return ObjectContent.ofFile(spool, contentType);
    }
  }

  private static final String COLUMNS =
      "retry_id, bucket, object_key, spool_path, size_bytes, sha256, content_type, attempts";

  private final JdbcTemplate jdbc;
  private final Path spoolDirectory;
  private final String owner;

  /** {@code owner} names this instance: the spool directory is its disk, so only it sends these uploads. */
  public UploadRetryQueue(JdbcTemplate jdbc, Path spoolDirectory, String owner) {
    this.jdbc = jdbc;
    this.spoolDirectory = spoolDirectory;
    this.owner = owner;
  }

  /** Copies the content to the spool and records it; returns the SHA-256 of what was spooled. */
  public String enqueue(String bucket, String key, ObjectContent content, String reason) {
    Path spool = spoolDirectory.resolve(UUID.randomUUID() + ".upload");
    Path temp = spoolDirectory.resolve(spool.getFileName() + ".partial");
    try {
      Files.createDirectories(spoolDirectory);
      MeasuredInputStream measured;
      try (InputStream in = content.open(); OutputStream out = Files.newOutputStream(temp)) {
        measured = new MeasuredInputStream(in);
        measured.transferTo(out);
      }
      measured.requireCount(content.size());
      try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, spool, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory();
      String sha256 = measured.sha256Hex();
      Optional<PendingUpload> replaced = find(bucket, key);
      jdbc.update("""
          INSERT INTO storage_retry (owner, bucket, object_key, spool_path, size_bytes, sha256, content_type,
              last_error)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (bucket, object_key) DO UPDATE SET owner = EXCLUDED.owner, spool_path = EXCLUDED.spool_path,
              size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, content_type = EXCLUDED.content_type,
              attempts = 0, last_error = EXCLUDED.last_error, next_attempt_at = now()""",
          owner, bucket, key, spool.toString(), content.size(), sha256, content.contentType(), reason);
      if (replaced.isPresent()) {
        Files.deleteIfExists(replaced.get().spool());
      }
      return sha256;
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temp);
      deleteQuietly(spool);
      throw new ObjectStoreException("cannot spool " + bucket + "/" + key + " for a later upload", e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Left behind only if the disk itself fails; nothing refers to it.
    }
  }

  /**
   * Claims this instance's uploads due now, oldest first, by leasing them for five minutes: a second worker
   * (or a pass that dies) cannot send the same upload at the same time.
   */
  public List<PendingUpload> due(int limit) {
    return jdbc.query("""
        UPDATE storage_retry SET next_attempt_at = now() + interval '5 minutes'
        WHERE retry_id IN (SELECT retry_id FROM storage_retry WHERE owner = ? AND next_attempt_at <= now()
                           ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
        RETURNING """ + " " + COLUMNS, this::pendingUpload, owner, limit);
  }

  /** The waiting upload of a key, if any: reads find it here until a store has it. */
  public Optional<PendingUpload> find(String bucket, String key) {
    return jdbc.query("SELECT " + COLUMNS + " FROM storage_retry WHERE bucket = ? AND object_key = ? AND owner = ?",
        this::pendingUpload, bucket, key, owner).stream().findFirst();
  }

  /** A newer write of the key reached a store: the waiting older one must never overwrite it. */
  public void cancel(String bucket, String key) throws IOException {
    Optional<PendingUpload> pending = find(bucket, key);
    if (pending.isPresent()) {
      done(pending.get());
    }
  }

  /** A store took it: forget the row, then the spool file. */
  public void done(PendingUpload upload) throws IOException {
    jdbc.update("DELETE FROM storage_retry WHERE retry_id = ? AND spool_path = ?", upload.id(), upload.spool().toString());
    Files.deleteIfExists(upload.spool());
  }

  /** Still failing: try again after a pause that grows with the attempts, up to five minutes. */
  public void failed(PendingUpload upload, String error) {
    long seconds = Math.min(300, 1L << Math.min(upload.attempts(), 8));
    jdbc.update("""
        UPDATE storage_retry SET attempts = attempts + 1, last_error = ?,
            next_attempt_at = now() + make_interval(secs => ?) WHERE retry_id = ? AND spool_path = ?""",
        error, (double) seconds, upload.id(), upload.spool().toString());
  }

  private PendingUpload pendingUpload(java.sql.ResultSet row, int index) throws java.sql.SQLException {
    return new PendingUpload(row.getLong(1), row.getString(2), row.getString(3), Path.of(row.getString(4)),
        row.getLong(5), row.getString(6), row.getString(7), row.getInt(8));
  }

  /** Makes the rename of a spool file durable before its row says it exists. */
  private void syncDirectory() {
    try (var channel = java.nio.channels.FileChannel.open(spoolDirectory, java.nio.file.StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some filesystems cannot sync a directory; the file itself is already synced.
    }
  }

  public long size() {
    return jdbc.queryForObject("SELECT count(*) FROM storage_retry", Long.class);
  }

  /** Age of the oldest waiting upload, for an alert. */
  public Duration oldestAge() {
    Double seconds = jdbc.queryForObject(
        "SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM storage_retry", Double.class);
    return Duration.ofMillis((long) (seconds * 1000));
  }
}
