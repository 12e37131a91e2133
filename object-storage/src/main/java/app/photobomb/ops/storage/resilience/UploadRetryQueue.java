package app.photobomb.ops.storage.resilience;

import app.photobomb.ops.common.storage.MeasuredInputStream;
import app.photobomb.ops.common.storage.ObjectContent;
import app.photobomb.ops.common.storage.ObjectStoreException;
import app.photobomb.ops.common.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Uploads that no store took, kept durably: the bytes in a spool directory, a storage_retry row saying where.
 * The spool file is complete (written, synced and renamed) before the row exists, so a crash loses nothing.
 *
 * <p>To cancel queued writes, delete their storage_retry rows (as the deletion-service's hard delete does for
 * a user's keys, in its own transaction); the delete waits for a send in flight, which holds the row's lock
 * from its re-check to its end. A write whose row is gone, or was replaced by a newer write of the key, is
 * never sent; its spool file, and any spool file that no row names, is removed by the instance that owns the
 * spool directory.
 */
public class UploadRetryQueue {

  private static final Logger log = LoggerFactory.getLogger(UploadRetryQueue.class);

  /** A waiting upload. */
  public record PendingUpload(long id, String bucket, String key, Path spool, long size, String sha256,
      String contentType, int attempts) {

    ObjectContent content() throws IOException {
      return ObjectContent.ofFile(spool, contentType);
    }
  }

  /** Sends one upload to a store; throws when no store took it. */
  @FunctionalInterface
  public interface Sender {
    StoredObject send(PendingUpload upload) throws IOException;
  }

  /** What one attempt did: sent (with what was stored), failed (with why), cancelled, or skipped as busy. */
  public record Attempt(Outcome outcome, StoredObject stored, Exception failure) {
  }

  /** How an attempt ended. */
  public enum Outcome {
    /** A store took it; row and spool file are gone. */
    SENT,
    /** No store took it; it waits for a later attempt. */
    FAILED,
    /** Its row was deleted or replaced by a newer write: not sent, and its spool file is gone. */
    CANCELLED,
    /** Another transaction holds its row (a cancel about to commit, or another worker): left for later. */
    BUSY
  }

  private static final String COLUMNS =
      "retry_id, bucket, object_key, spool_path, size_bytes, sha256, content_type, attempts";

  private final JdbcTemplate jdbc;
  private final TransactionTemplate ownTransaction;
  private final Path spoolDirectory;
  private final String owner;
  /** Held shared from a spool file's creation until its row commits, exclusively while orphans are removed. */
  private final ReadWriteLock spoolLock = new ReentrantReadWriteLock();

  /** {@code owner} names this instance: the spool directory is its disk, so only it sends these uploads. */
  public UploadRetryQueue(JdbcTemplate jdbc, Path spoolDirectory, String owner) {
    this.jdbc = jdbc;
    this.spoolDirectory = spoolDirectory;
    this.owner = owner;
    // Its own transactions, committed whatever a caller's transaction does: a row must match its spool file.
    this.ownTransaction = new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource()));
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  /** Copies the content to the spool and records it; returns the SHA-256 of what was spooled. */
  public String enqueue(String bucket, String key, ObjectContent content, String reason) {
    Path spool = spoolDirectory.resolve(UUID.randomUUID() + ".upload");
    Path temp = spoolDirectory.resolve(spool.getFileName() + ".partial");
    spoolLock.readLock().lock();
    try {
      Files.createDirectories(spoolDirectory);
      MeasuredInputStream measured;
      try (InputStream in = content.open(); OutputStream out = Files.newOutputStream(temp)) {
        measured = new MeasuredInputStream(in);
        measured.transferTo(out);
      }
      measured.requireCount(content.size());
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, spool, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory();
      String sha256 = measured.sha256Hex();
      List<Map<String, Object>> replaced = ownTransaction.execute(status -> {
        List<Map<String, Object>> older = jdbc.queryForList("""
            SELECT owner, spool_path FROM storage_retry WHERE bucket = ? AND object_key = ? FOR UPDATE""",
            bucket, key);
        jdbc.update("""
            INSERT INTO storage_retry (owner, bucket, object_key, spool_path, size_bytes, sha256, content_type,
                last_error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (bucket, object_key) DO UPDATE SET owner = EXCLUDED.owner,
                spool_path = EXCLUDED.spool_path, size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256,
                content_type = EXCLUDED.content_type, attempts = 0, last_error = EXCLUDED.last_error,
                next_attempt_at = now()""",
            owner, bucket, key, spool.toString(), content.size(), sha256, content.contentType(), reason);
        return older;
      });
      removeOwnSpoolFiles(replaced);
      return sha256;
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temp);
      deleteQuietly(spool);
      throw new ObjectStoreException("cannot spool " + bucket + "/" + key + " for a later upload", e);
    } finally {
      spoolLock.readLock().unlock();
    }
  }

  /**
   * Claims this instance's uploads due now, oldest first, by leasing them for five minutes: a second pass
   * (or one that dies) leaves them alone meanwhile. The claim is not a permission to send: see {@link #attempt}.
   */
  public List<PendingUpload> due(int limit) {
    return jdbc.query("""
        UPDATE storage_retry SET next_attempt_at = now() + interval '5 minutes'
        WHERE retry_id IN (SELECT retry_id FROM storage_retry WHERE owner = ? AND next_attempt_at <= now()
                           ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
        RETURNING """ + " " + COLUMNS, this::pendingUpload, owner, limit);
  }

  /**
   * Sends a claimed upload if its row still exists and still names this write, holding the row's lock from
   * that re-check until the row is deleted after the send (or updated after a failure), so that a cancel
   * waits for the send, and a cancelled or replaced write is never sent.
   */
  public Attempt attempt(PendingUpload upload, Sender sender) {
    Attempt attempt;
    try {
      attempt = ownTransaction.execute(status -> {
        if (!lockIfStillQueued(upload)) {
          return new Attempt(Outcome.CANCELLED, null, null);
        }
        StoredObject stored;
        try {
          stored = sender.send(upload);
        } catch (IOException | RuntimeException e) {
          recordFailure(upload, e.getMessage());
          return new Attempt(Outcome.FAILED, null, e);
        }
        jdbc.update("DELETE FROM storage_retry WHERE retry_id = ?", upload.id());
        return new Attempt(Outcome.SENT, stored, null);
      });
    } catch (PessimisticLockingFailureException e) {
      return new Attempt(Outcome.BUSY, null, e);
    }
    if (attempt.outcome() == Outcome.SENT || attempt.outcome() == Outcome.CANCELLED) {
      deleteQuietly(upload.spool());
    }
    return attempt;
  }

  /** The waiting upload of a key, if any: reads find it here until a store has it. */
  public Optional<PendingUpload> find(String bucket, String key) {
    return jdbc.query("SELECT " + COLUMNS + " FROM storage_retry WHERE bucket = ? AND object_key = ? AND owner = ?",
        this::pendingUpload, bucket, key, owner).stream().findFirst();
  }

  /**
   * Drops the queued writes of a key, of any instance, and returns how many; waits for a send in flight. A
   * newer write calls this before it writes, so an older one in flight lands first and is then overwritten.
   */
  public int cancel(String bucket, String key) {
    List<Map<String, Object>> dropped = ownTransaction.execute(status -> jdbc.queryForList(
        "DELETE FROM storage_retry WHERE bucket = ? AND object_key = ? RETURNING owner, spool_path", bucket, key));
    removeOwnSpoolFiles(dropped);
    return dropped.size();
  }

  /**
   * Removes spool files that no row of this instance names: rows deleted by a cancel while not in flight, and
   * leftovers of a crash. Returns how many it removed.
   */
  public int removeOrphanSpoolFiles() {
    if (!Files.isDirectory(spoolDirectory)) {
      return 0;
    }
    spoolLock.writeLock().lock();
    try (Stream<Path> files = Files.list(spoolDirectory)) {
      Set<String> named = new HashSet<>(jdbc.queryForList(
          "SELECT spool_path FROM storage_retry WHERE owner = ?", String.class, owner));
      int removed = 0;
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (!named.contains(file.toString()) && deleteQuietly(file)) {
          removed++;
        }
      }
      if (removed > 0) {
        log.info("removed {} spool files of cancelled uploads from {}", removed, spoolDirectory);
      }
      return removed;
    } catch (IOException e) {
      log.warn("cannot list the spool directory {}: {}", spoolDirectory, e.getMessage());
      return 0;
    } finally {
      spoolLock.writeLock().unlock();
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

  /** NOWAIT: a row held by another transaction is that transaction's to decide; the caller skips it. */
  private boolean lockIfStillQueued(PendingUpload upload) {
    return !jdbc.queryForList("""
        SELECT retry_id FROM storage_retry WHERE retry_id = ? AND spool_path = ? AND owner = ?
        FOR UPDATE NOWAIT""", Long.class, upload.id(), upload.spool().toString(), owner).isEmpty();
  }

  /** Still failing: try again after a pause that grows with the attempts, up to five minutes. */
  private void recordFailure(PendingUpload upload, String error) {
    long seconds = Math.min(300, 1L << Math.min(upload.attempts(), 8));
    jdbc.update("""
        UPDATE storage_retry SET attempts = attempts + 1, last_error = ?,
            next_attempt_at = now() + make_interval(secs => ?) WHERE retry_id = ?""",
        error, (double) seconds, upload.id());
  }

  /** Spool files of other instances are on their disks; their owners remove them as orphans. */
  private void removeOwnSpoolFiles(List<Map<String, Object>> rows) {
    for (Map<String, Object> row : rows) {
      if (owner.equals(row.get("owner"))) {
        deleteQuietly(Path.of((String) row.get("spool_path")));
      }
    }
  }

  private static boolean deleteQuietly(Path file) {
    try {
      return Files.deleteIfExists(file);
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      log.warn("cannot remove spool file {} (removed on a later pass): {}", file, e.getMessage());
      return false;
    }
  }

  private PendingUpload pendingUpload(ResultSet row, int index) throws SQLException {
    return new PendingUpload(row.getLong(1), row.getString(2), row.getString(3), Path.of(row.getString(4)),
        row.getLong(5), row.getString(6), row.getString(7), row.getInt(8));
  }

  /** Makes the rename of a spool file durable before its row says it exists. */
  private void syncDirectory() {
    try (FileChannel channel = FileChannel.open(spoolDirectory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some filesystems cannot sync a directory; the file itself is already synced.
    }
  }
}
