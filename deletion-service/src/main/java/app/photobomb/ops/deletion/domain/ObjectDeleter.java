package app.photobomb.ops.deletion.domain;

import app.photobomb.ops.common.events.UserHardDeleted;
import app.photobomb.ops.common.messaging.Outbox;
import app.photobomb.ops.common.messaging.OutboxEvent;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.ObjectVersion;
import app.photobomb.ops.common.storage.VersionPage;
import app.photobomb.ops.deletion.config.DeletionProperties;
import app.photobomb.ops.storage.config.ObjectStorageAutoConfiguration;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The object phase of a hard delete. The photo ids the database phase recorded turn into a listing per photo
 * prefix; listing tasks (every version under a prefix, or of one key) turn into one task per version found; each
 * version is deleted with one call, with bounded concurrency. Tasks are claimed across replicas (SKIP LOCKED, with
 * a lease that a crashed replica's tasks outlive), a failing task backs off on its own, and an account whose
 * tasks are all done is completed, in one transaction, with UserHardDeleted and the CDN purges of its thumbnails
 * (never earlier: the edge would fetch them again from the origin). A task is marked done only after its call, so a
 * crash repeats a delete (harmless) but never skips one.
 */
@Service
public class ObjectDeleter implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ObjectDeleter.class);
  private static final int VERSIONS_PER_PASS = 1000;
  private static final int LISTINGS_PER_PASS = 100;
  private static final int PHOTO_TASKS_PER_PASS = 10;
  /** One statement, so that a crash leaves either the photos task or all the listings it stands for. */
  private static final String EXPAND_PHOTOS = """
      WITH listed AS (
          INSERT INTO deletion_tasks (user_id, kind, bucket, object_key)
          SELECT t.user_id, 'prefix', p.bucket,
              replace(replace(p.prefix, '{userId}', t.user_id::text), '{photoId}', ph.photo_id::text)
          FROM deletion_tasks t, unnest(t.photo_ids) AS ph(photo_id), unnest(?::text[], ?::text[]) AS p(bucket, prefix)
          WHERE t.task_id = ?
          ON CONFLICT DO NOTHING)
      UPDATE deletion_tasks SET status = 'done', claimed_until = NULL WHERE task_id = ?""";
  /** B2 lists at most 10,000 versions per call. */
  private static final int LIST_PAGE = 10_000;
  private static final String CLAIM = """
      UPDATE deletion_tasks SET claimed_until = now() + ? * interval '1 millisecond'
      WHERE task_id IN (SELECT task_id FROM deletion_tasks
          WHERE status = 'pending' AND kind = ANY(?) AND next_attempt_at <= now()
            AND (claimed_until IS NULL OR claimed_until < now())
          ORDER BY next_attempt_at, task_id LIMIT ? FOR UPDATE SKIP LOCKED)
      RETURNING task_id, user_id, kind, bucket, object_key, version_id""";

  private final JdbcTemplate jdbc;
  private final ObjectStore originals;
  private final ObjectStore exports;
  private final String exportsBucket;
  private final Outbox outbox;
  private final ThumbnailPurges purges;
  private final TransactionTemplate transactions;
  private final DeletionProperties properties;
  private final Prefixes photoPrefixes;
  private final ExecutorService executor;
  private final JsonMapper json = JsonMapper.builder().build();

  public ObjectDeleter(JdbcTemplate jdbc, @Qualifier(ObjectStorageAutoConfiguration.ORIGINALS) ObjectStore originals,
      @Qualifier(ObjectStorageAutoConfiguration.EXPORTS) ObjectStore exports, Outbox outbox, ThumbnailPurges purges,
      TransactionTemplate transactions, DeletionProperties properties) {
    this.jdbc = jdbc;
    this.originals = originals;
    this.exports = exports;
    this.exportsBucket = properties.exportsBucket();
    this.outbox = outbox;
    this.purges = purges;
    this.transactions = transactions;
    this.properties = properties;
    this.photoPrefixes = Prefixes.of(properties.photoPrefixes());
    this.executor = Executors.newFixedThreadPool(properties.objectConcurrency(), runnable -> {
      Thread thread = new Thread(runnable, "object-deleter");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** One pass over due tasks of every account; returns whether it found any work (then another pass follows). */
  public boolean runPass() {
    int expanded = expandPhotos(claim(new String[] {"photos"}, PHOTO_TASKS_PER_PASS));
    int listed = run(claim(new String[] {"prefix", "object"}, LISTINGS_PER_PASS), this::list);
    int deleted = run(claim(new String[] {"version"}, VERSIONS_PER_PASS), this::delete);
    completeFinished();
    return expanded + listed + deleted > 0;
  }

  /** Turns each 'photos' task (the ids the database phase recorded) into a listing per photo and photo prefix. */
  private int expandPhotos(List<Task> tasks) {
    for (Task task : tasks) {
      try {
        jdbc.update(EXPAND_PHOTOS, photoPrefixes.buckets(), photoPrefixes.patterns(), task.id(), task.id());
      } catch (DataAccessException e) {
        backOff(task, e);
      }
    }
    return tasks.size();
  }

  private List<Task> claim(String[] kinds, int limit) {
    return jdbc.query(CLAIM, (row, i) -> task(row), properties.claimLease().toMillis(), kinds, limit);
  }

  /** Runs the tasks on the pool and records their outcomes; returns how many there were. */
  private int run(List<Task> tasks, Function<Task, Boolean> work) {
    List<Future<Boolean>> running = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      running.add(executor.submit(() -> attempt(task, work)));
    }
    Done done = new Done();
    for (int i = 0; i < running.size(); i++) {
      try {
        Boolean removed = running.get(i).get();
        if (removed != null) {
          done.add(tasks.get(i).id(), removed);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException e) {
        log.warn("object task {} failed unexpectedly; its claim expires and it is tried again", tasks.get(i).id(),
            e.getCause());
      }
    }
    done.flush();
    return tasks.size();
  }

  /** The task's result (for a version: whether the call removed it), or null when it failed and backs off. */
  private Boolean attempt(Task task, Function<Task, Boolean> work) {
    try {
      return work.apply(task);
    } catch (RuntimeException e) {
      backOff(task, e);
      return null;
    }
  }

  /** Lists every version under the task's prefix (or of its one key) into version tasks. */
  private Boolean list(Task task) {
    ObjectStore store = storeOf(task.bucket());
    String token = null;
    do {
      VersionPage page = store.listVersions(task.bucket(), task.key(), token, LIST_PAGE);
      List<ObjectVersion> versions = task.kind().equals("object")
          ? page.versions().stream().filter(v -> v.key().equals(task.key())).toList() : page.versions();
      jdbc.batchUpdate("""
          INSERT INTO deletion_tasks (user_id, kind, bucket, object_key, version_id, size_bytes)
          VALUES (?, 'version', ?, ?, ?, ?) ON CONFLICT DO NOTHING""", versions, versions.size(),
          (statement, version) -> {
            statement.setObject(1, task.userId());
            statement.setString(2, task.bucket());
            statement.setString(3, version.key());
            statement.setString(4, version.versionId());
            statement.setLong(5, version.size());
          });
      token = page.nextPageToken();
    } while (token != null);
    return Boolean.FALSE;
  }

  private Boolean delete(Task task) {
    return storeOf(task.bucket()).deleteVersion(task.bucket(), task.key(), task.versionId());
  }

  private void backOff(Task task, RuntimeException failure) {
    log.warn("{} {}/{} failed; it is tried again after a pause: {}", task.kind(), task.bucket(), task.key(),
        failure.getMessage());
    try {
      jdbc.update("""
          UPDATE deletion_tasks SET attempts = attempts + 1, last_error = ?, claimed_until = NULL,
              next_attempt_at = now() + least(? * power(2, least(attempts, 20)), ?) * interval '1 millisecond'
          WHERE task_id = ?""", String.valueOf(failure.getMessage()), properties.objectRetryBackoff().toMillis(),
          properties.objectRetryMaxBackoff().toMillis(), task.id());
    } catch (DataAccessException e) {
      log.warn("recording the failure of task {} failed; its claim expires and it is tried again", task.id(), e);
    }
  }

  private ObjectStore storeOf(String bucket) {
    return bucket.equals(exportsBucket) ? exports : originals;
  }

  private void completeFinished() {
    List<UUID> finished = jdbc.queryForList("""
        SELECT user_id FROM user_deletions d WHERE status = 'deleting_objects'
          AND NOT EXISTS (SELECT 1 FROM deletion_tasks t WHERE t.user_id = d.user_id AND t.status = 'pending')""",
        UUID.class);
    finished.forEach(this::complete);
  }

  private void complete(UUID userId) {
    transactions.executeWithoutResult(status -> {
      List<Map<String, Object>> state = jdbc.queryForList("""
          SELECT correlation_id, rows_deleted::text AS rows_deleted FROM user_deletions
          WHERE user_id = ? AND status = 'deleting_objects' FOR UPDATE SKIP LOCKED""", userId);
      Integer pending = jdbc.queryForObject(
          "SELECT count(*) FROM deletion_tasks WHERE user_id = ? AND status = 'pending'", Integer.class, userId);
      if (state.isEmpty() || pending > 0) {
        return;
      }
      Map<String, Object> totals = jdbc.queryForMap("""
          SELECT count(*) AS versions, coalesce(sum(size_bytes), 0) AS bytes FROM deletion_tasks
          WHERE user_id = ? AND kind = 'version' AND removed""", userId);
      long versions = ((Number) totals.get("versions")).longValue();
      long bytes = ((Number) totals.get("bytes")).longValue();
      jdbc.update("""
          UPDATE user_deletions SET status = 'deleted', objects_deleted = ?, bytes_freed = ?, completed_at = now(),
              updated_at = now() WHERE user_id = ?""", versions, bytes, userId);
      Map<String, Long> rows = rowsDeleted((String) state.get(0).get("rows_deleted"));
      String correlationId = (String) state.get(0).get("correlation_id");
      // Only now that the thumbnails are gone from the store may the edge forget them: purged earlier, it could
      // fetch them again from the origin in between and keep serving them.
      List<UUID> photoIds = jdbc.queryForList(
          "SELECT unnest(photo_ids) FROM deletion_tasks WHERE user_id = ? AND kind = 'photos'", UUID.class, userId);
      List<OutboxEvent> events = new ArrayList<>();
      purges.of(photoIds).forEach(purge -> events.add(outbox.toEvent(purge, correlationId, null)));
      events.add(outbox.toEvent(new UserHardDeleted(userId, rows, versions, bytes), correlationId, null));
      outbox.write(events);
      log.info("user {} hard-deleted: rows {}, {} object versions, {} bytes; {} thumbnail purge requests", userId,
          rows, versions, bytes, events.size() - 1);
    });
  }

  private Map<String, Long> rowsDeleted(String rowsJson) {
    Map<String, Long> rows = new LinkedHashMap<>();
    json.readTree(rowsJson).properties().forEach(entry -> rows.put(entry.getKey(), entry.getValue().asLong()));
    return rows;
  }

  @Override
  public void destroy() {
    executor.shutdownNow();
  }

  private static Task task(ResultSet row) throws SQLException {
    return new Task(row.getLong(1), row.getObject(2, UUID.class), row.getString(3), row.getString(4),
        row.getString(5), row.getString(6));
  }

  private record Task(long id, UUID userId, String kind, String bucket, String key, String versionId) {
  }

  /** Outcomes of finished tasks, written many per statement. */
  private final class Done {

    private final List<Long> ids = new ArrayList<>();
    private final List<Boolean> removed = new ArrayList<>();

    void add(long id, boolean wasRemoved) {
      ids.add(id);
      removed.add(wasRemoved);
    }

    /**
     * A crash before this repeats the calls, which is harmless (a version already gone stays gone); a repeat by
     * a replica whose lease ran out keeps the first "removed".
     */
    void flush() {
      if (ids.isEmpty()) {
        return;
      }
      try {
        jdbc.update("""
            UPDATE deletion_tasks t SET status = 'done', claimed_until = NULL,
                removed = coalesce(t.removed, false) OR r.removed
            FROM unnest(?::bigint[], ?::boolean[]) AS r(id, removed) WHERE t.task_id = r.id""",
            ids.toArray(Long[]::new), removed.toArray(Boolean[]::new));
      } catch (DataAccessException e) {
        log.warn("recording {} finished object tasks failed; their claims expire and they are done again "
            + "(harmlessly)", ids.size(), e);
      }
    }
  }
}
