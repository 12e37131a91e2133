package app.photobomb.ops.reprocess.domain;

import app.photobomb.ops.common.messaging.PayloadCodec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;

/** The reprocess_batches table: a batch's command, cursors, counts and the enqueuer's claim. */
@Repository
public class ReprocessBatches {

  private static final String COLUMNS = """
      batch_id, job_type, filter::text AS filter, priority, requested_by, status, queue, target, inserted_through,
      pushed_through, job_count, correlation_id""";

  private final JdbcTemplate jdbc;
  private final PayloadCodec codec;
  private final RowMapper<Batch> mapper = this::map;

  public ReprocessBatches(JdbcTemplate jdbc, PayloadCodec codec) {
    this.jdbc = jdbc;
    this.codec = codec;
  }

  /** Records a new batch; false when the batch id is known already (a repeated command). */
  public boolean insert(UUID batchId, String jobType, BatchFilter filter, int priority, String requestedBy,
      String status, String failureReason, String queue, String target, String correlationId) {
    return jdbc.update("""
        INSERT INTO reprocess_batches (batch_id, job_type, filter, priority, requested_by, status, failure_reason,
                                       queue, target, correlation_id, completed_at)
        VALUES (?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? THEN now() END)
        ON CONFLICT (batch_id) DO NOTHING""", batchId, jobType, codec.toJson(filter), priority, requestedBy, status,
        failureReason, queue, target, correlationId, Batch.FAILED.equals(status)) == 1;
  }

  /** The batch under a row lock, if it exists. */
  public Optional<Batch> lock(UUID batchId) {
    return jdbc.query("SELECT " + COLUMNS + " FROM reprocess_batches WHERE batch_id = ? FOR UPDATE", mapper, batchId)
        .stream().findFirst();
  }

  /** The batch under a row lock if it is still enqueuing and this replica holds it. */
  public Optional<Batch> lockClaimed(UUID batchId, String replica) {
    return jdbc.query("SELECT " + COLUMNS + " FROM reprocess_batches WHERE batch_id = ? AND status = 'enqueuing' "
        + "AND claimed_by = ? FOR UPDATE", mapper, batchId, replica).stream().findFirst();
  }

  /**
   * Claims the oldest batch still enqueuing that no other replica holds (or whose holder let its claim lapse), for
   * {@code lease}.
   */
  public Optional<Batch> claimNext(String replica, Duration lease) {
    return jdbc.query("""
        UPDATE reprocess_batches b SET claimed_by = ?, claim_until = now() + make_interval(secs => ?),
                                       updated_at = now()
        FROM (SELECT batch_id FROM reprocess_batches
              WHERE status = 'enqueuing' AND (claim_until IS NULL OR claim_until < now() OR claimed_by = ?)
              ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED) c
        WHERE b.batch_id = c.batch_id
        RETURNING b.batch_id, b.job_type, b.filter::text AS filter, b.priority, b.requested_by, b.status, b.queue,
                  b.target, b.inserted_through, b.pushed_through, b.job_count, b.correlation_id""",
        mapper, replica, lease.toMillis() / 1000.0, replica).stream().findFirst();
  }

  /** A page's jobs are in processing_jobs: the cursor moves, the count grows, the claim is renewed. */
  public void markInserted(UUID batchId, UUID through, long jobs, Duration lease) {
    jdbc.update("""
        UPDATE reprocess_batches SET inserted_through = coalesce(?, inserted_through), job_count = job_count + ?,
               claim_until = now() + make_interval(secs => ?), updated_at = now()
        WHERE batch_id = ?""", through, jobs, lease.toMillis() / 1000.0, batchId);
  }

  /** The items of the page up to {@code through} are on the queue. */
  public void markPushed(UUID batchId, UUID through) {
    jdbc.update("UPDATE reprocess_batches SET pushed_through = ?, updated_at = now() WHERE batch_id = ?",
        through, batchId);
  }

  /** Every job is on the queue; a batch without jobs is complete at once. */
  public void markEnqueued(UUID batchId, boolean empty) {
    jdbc.update("""
        UPDATE reprocess_batches SET status = CASE WHEN ? THEN 'completed' ELSE 'enqueued' END, enqueued_at = now(),
               completed_at = CASE WHEN ? THEN now() END, claimed_by = NULL, claim_until = NULL, updated_at = now()
        WHERE batch_id = ?""", empty, empty, batchId);
  }

  public void markCancelled(UUID batchId, String cancelledBy, String reason) {
    jdbc.update("""
        UPDATE reprocess_batches SET status = 'cancelled', cancelled_by = ?, cancel_reason = ?, cancelled_at = now(),
               claimed_by = NULL, claim_until = NULL, updated_at = now()
        WHERE batch_id = ?""", cancelledBy, reason, batchId);
  }

  /** Ids of cancelled batches whose completion has not gone out yet: their queued jobs are still to cancel. */
  public List<UUID> cancelling() {
    return jdbc.queryForList("SELECT batch_id FROM reprocess_batches WHERE status = 'cancelled' "
        + "AND completed_at IS NULL ORDER BY requested_at", UUID.class);
  }

  /** Adds reported outcomes to a batch's counts. */
  public void count(UUID batchId, long done, long failed, long cancelled) {
    jdbc.update("""
        UPDATE reprocess_batches SET done_count = done_count + ?, failed_count = failed_count + ?,
               cancelled_count = cancelled_count + ?, updated_at = now()
        WHERE batch_id = ?""", done, failed, cancelled, batchId);
  }

  /**
   * Locks and completes the batches that stopped growing (enqueued or cancelled) and whose every job is reported;
   * returns them with their final counts. Rows another replica holds are left to it.
   */
  public List<Completion> completeFinished() {
    return jdbc.query("""
        UPDATE reprocess_batches b SET completed_at = now(),
               status = CASE WHEN b.status = 'enqueued' THEN 'completed' ELSE b.status END, updated_at = now()
        FROM (SELECT batch_id FROM reprocess_batches
              WHERE completed_at IS NULL AND status IN ('enqueued', 'cancelled')
                AND done_count + failed_count + cancelled_count >= job_count
              FOR UPDATE SKIP LOCKED) f
        WHERE b.batch_id = f.batch_id
        RETURNING b.batch_id, b.job_type, b.requested_by, b.job_count, b.done_count, b.failed_count,
                  b.cancelled_count, b.correlation_id""",
        (row, n) -> new Completion((UUID) row.getObject("batch_id"), row.getString("job_type"),
            row.getString("requested_by"), row.getLong("job_count"), row.getLong("done_count"),
            row.getLong("failed_count"), row.getLong("cancelled_count"), row.getString("correlation_id")));
  }

  /**
   * Locks the batches whose counts moved since their last progress, if that was at least {@code interval} ago,
   * records the new counts as told, and returns what to tell with the seconds since the last telling.
   */
  public List<Progress> takeProgress(Duration interval) {
    return jdbc.query("""
        WITH due AS (
            SELECT batch_id, progress_done, progress_failed,
                   extract(epoch FROM now() - coalesce(progress_at, enqueued_at, requested_at)) AS seconds
            FROM reprocess_batches
            WHERE status <> 'failed'
              AND (done_count, failed_count, cancelled_count)
                  IS DISTINCT FROM (progress_done, progress_failed, progress_cancelled)
              AND (progress_at IS NULL OR progress_at <= now() - make_interval(secs => ?))
            FOR UPDATE SKIP LOCKED)
        UPDATE reprocess_batches b SET progress_done = b.done_count, progress_failed = b.failed_count,
               progress_cancelled = b.cancelled_count, progress_at = now()
        FROM due WHERE b.batch_id = due.batch_id
        RETURNING b.batch_id, b.job_count, b.done_count, b.failed_count, b.cancelled_count,
                  due.progress_done AS previous_done, due.progress_failed AS previous_failed, due.seconds,
                  b.correlation_id""",
        (row, n) -> new Progress((UUID) row.getObject("batch_id"), row.getLong("job_count"), row.getLong("done_count"),
            row.getLong("failed_count"), row.getLong("cancelled_count"),
            row.getLong("done_count") + row.getLong("failed_count") - row.getLong("previous_done")
                - row.getLong("previous_failed"),
            row.getDouble("seconds"), row.getString("correlation_id")),
        interval.toMillis() / 1000.0);
  }

  private Batch map(ResultSet row, int n) throws SQLException {
    return new Batch((UUID) row.getObject("batch_id"), row.getString("job_type"), filter(row.getString("filter")),
        row.getInt("priority"), row.getString("requested_by"), row.getString("status"), row.getString("queue"),
        row.getString("target"), (UUID) row.getObject("inserted_through"), (UUID) row.getObject("pushed_through"),
        row.getLong("job_count"), row.getString("correlation_id"));
  }

  private BatchFilter filter(String json) {
    JsonNode tree = codec.readTree(json);
    JsonNode before = tree.get("processedBefore");
    return new BatchFilter(before == null || before.isNull() ? null : Instant.parse(before.asString()),
        ids(tree.get("userIds")), ids(tree.get("photoIds")));
  }

  private static List<UUID> ids(JsonNode array) {
    if (array == null || array.isNull()) {
      return null;
    }
    List<UUID> ids = new ArrayList<>(array.size());
    array.forEach(id -> ids.add(UUID.fromString(id.asString())));
    return ids;
  }

  /** A batch that just completed. */
  public record Completion(UUID batchId, String jobType, String requestedBy, long jobCount, long done, long failed,
      long cancelled, String correlationId) {
  }

  /** What a progress event says: counts now, jobs ended (done or failed) since the last one, and over how long. */
  public record Progress(UUID batchId, long total, long done, long failed, long cancelled, long endedSince,
      double seconds, String correlationId) {
  }
}
