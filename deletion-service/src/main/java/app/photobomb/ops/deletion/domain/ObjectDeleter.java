package app.photobomb.ops.deletion.domain;

import app.photobomb.ops.common.events.UserHardDeleted;
import app.photobomb.ops.common.messaging.Outbox;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.VersionPage;
import app.photobomb.ops.deletion.config.DeletionProperties;
import app.photobomb.ops.storage.config.ObjectStorageAutoConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The object phase of a hard delete: deletes every version of every object the database phase recorded, with
 * bounded concurrency, and, once none is left, marks the account deleted and emits UserHardDeleted. A task is
 * marked done only after its delete, so a crash repeats a delete (harmless: gone counts as deleted) but never
 * skips one.
 */
@Service
public class ObjectDeleter {

  private static final Logger log = LoggerFactory.getLogger(ObjectDeleter.class);
  private static final int TASKS_PER_PASS = 1000;
  private static final int DONE_PER_UPDATE = 100;

  private final JdbcTemplate jdbc;
  private final ObjectStore originals;
  private final ObjectStore exports;
  private final String exportsBucket;
  private final Outbox outbox;
  private final TransactionTemplate transactions;
  private final ExecutorService executor;
  private final JsonMapper json = JsonMapper.builder().build();

  public ObjectDeleter(JdbcTemplate jdbc, @Qualifier(ObjectStorageAutoConfiguration.ORIGINALS) ObjectStore originals,
      @Qualifier(ObjectStorageAutoConfiguration.EXPORTS) ObjectStore exports, Outbox outbox,
      TransactionTemplate transactions, DeletionProperties properties) {
    this.jdbc = jdbc;
    this.originals = originals;
    this.exports = exports;
    this.exportsBucket = properties.exportsBucket();
    this.outbox = outbox;
    this.transactions = transactions;
    this.executor = java.util.concurrent.Executors.newFixedThreadPool(properties.objectConcurrency(), runnable -> {
      Thread thread = new Thread(runnable, "object-deleter");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * One pass: every account in its object phase has its prefixes swept (each key found becomes an object
   * task), its pending objects deleted and, if none is left, its deletion completed.
   */
  public void run() {
    for (UUID userId : jdbc.queryForList("SELECT user_id FROM user_deletions WHERE status = 'deleting_objects'",
        UUID.class)) {
      sweepPrefixes(userId);
      deletePending(userId);
      complete(userId);
    }
  }

  private void sweepPrefixes(UUID userId) {
    List<Task> prefixes = jdbc.query("""
        SELECT task_id, bucket, object_key FROM deletion_tasks
        WHERE user_id = ? AND kind = 'prefix' AND status = 'pending'""",
        (row, i) -> new Task(row.getLong(1), row.getString(2), row.getString(3)), userId);
    for (Task prefix : prefixes) {
      try {
        String token = null;
        do {
          VersionPage page = storeOf(prefix.bucket()).listVersions(prefix.bucket(), prefix.key(), token, 1000);
          jdbc.batchUpdate("""
              INSERT INTO deletion_tasks (user_id, kind, bucket, object_key, size_bytes)
              VALUES (?, 'object', ?, ?, ?) ON CONFLICT DO NOTHING""", page.versions(), page.versions().size(),
              (statement, version) -> {
                statement.setObject(1, userId);
                statement.setString(2, prefix.bucket());
                statement.setString(3, version.key());
                statement.setLong(4, version.size());
              });
          token = page.nextPageToken();
        } while (token != null);
        jdbc.update("UPDATE deletion_tasks SET status = 'done' WHERE task_id = ?", prefix.id());
      } catch (RuntimeException e) {
        jdbc.update("UPDATE deletion_tasks SET attempts = attempts + 1, last_error = ? WHERE task_id = ?",
            String.valueOf(e.getMessage()), prefix.id());
        log.warn("sweeping {}/{} failed; it is retried on the next pass: {}", prefix.bucket(), prefix.key(),
            e.getMessage());
      }
    }
  }

  private void deletePending(UUID userId) {
    List<Task> tasks = jdbc.query("""
        SELECT task_id, bucket, object_key FROM deletion_tasks
        WHERE user_id = ? AND kind = 'object' AND status = 'pending'
        ORDER BY task_id LIMIT ?""", (row, i) -> new Task(row.getLong(1), row.getString(2), row.getString(3)),
        userId, TASKS_PER_PASS);
    List<Future<Boolean>> running = new ArrayList<>();
    for (Task task : tasks) {
      running.add(executor.submit(() -> deleteTask(task)));
    }
    List<Long> done = new ArrayList<>();
    try {
      for (int i = 0; i < running.size(); i++) {
        if (running.get(i).get()) {
          done.add(tasks.get(i).id());
        }
        if (done.size() == DONE_PER_UPDATE) {
          markDone(done);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.warn("object deletion of user {} failed", userId, e.getCause());
    } finally {
      markDone(done);
    }
  }

  /**
   * Marks deleted objects' tasks done, many per statement: a crash before this repeats their deletes, which is
   * harmless (gone counts as deleted), and one commit per object would cost more than the delete itself.
   */
  private void markDone(List<Long> taskIds) {
    if (taskIds.isEmpty()) {
      return;
    }
    try {
      jdbc.update("UPDATE deletion_tasks SET status = 'done' WHERE task_id = ANY(?)",
          (Object) taskIds.toArray(new Long[0]));
    } catch (org.springframework.dao.DataAccessException e) {
      log.warn("marking {} deleted objects done failed; they stay pending and are deleted again (harmlessly): {}",
          taskIds.size(), e.getMessage());
    }
    taskIds.clear();
  }

  /** Deletes every version of the task's key; false (and the failure recorded) when the store failed. */
  private boolean deleteTask(Task task) {
    try {
      storeOf(task.bucket()).deleteEveryVersion(task.bucket(), task.key());
      return true;
    } catch (RuntimeException e) {
      jdbc.update("UPDATE deletion_tasks SET attempts = attempts + 1, last_error = ? WHERE task_id = ?",
          String.valueOf(e.getMessage()), task.id());
      log.warn("deleting {}/{} failed; it is retried on the next pass: {}", task.bucket(), task.key(),
          e.getMessage());
      return false;
    }
  }

  private ObjectStore storeOf(String bucket) {
    return bucket.equals(exportsBucket) ? exports : originals;
  }

  private void complete(UUID userId) {
    transactions.executeWithoutResult(status -> {
      Map<String, Object> state = jdbc.queryForMap("""
          SELECT status, rows_deleted::text AS rows_deleted, correlation_id FROM user_deletions
          WHERE user_id = ? FOR UPDATE""", userId);
      Integer pending = jdbc.queryForObject(
          "SELECT count(*) FROM deletion_tasks WHERE user_id = ? AND status = 'pending'", Integer.class, userId);
      if (!"deleting_objects".equals(state.get("status")) || pending > 0) {
        return;
      }
      Map<String, Object> totals = jdbc.queryForMap(
          "SELECT count(*) AS objects, coalesce(sum(size_bytes), 0) AS bytes FROM deletion_tasks "
              + "WHERE user_id = ? AND kind = 'object'",
          userId);
      long objects = ((Number) totals.get("objects")).longValue();
      long bytes = ((Number) totals.get("bytes")).longValue();
      jdbc.update("""
          UPDATE user_deletions SET status = 'deleted', objects_deleted = ?, bytes_freed = ?, completed_at = now(),
              updated_at = now() WHERE user_id = ?""", objects, bytes, userId);
      Map<String, Long> rows = rowsDeleted((String) state.get("rows_deleted"));
      outbox.emit(new UserHardDeleted(userId, rows, objects, bytes), (String) state.get("correlation_id"));
      log.info("user {} hard-deleted: rows {}, {} objects, {} bytes", userId, rows, objects, bytes);
    });
  }

  @SuppressWarnings("unchecked")
  private Map<String, Long> rowsDeleted(String rowsJson) {
    Map<String, Number> raw = json.readValue(rowsJson, Map.class);
    Map<String, Long> rows = new java.util.LinkedHashMap<>();
    raw.forEach((table, count) -> rows.put(table, count.longValue()));
    return rows;
  }

  private record Task(long id, String bucket, String key) {
  }
}
