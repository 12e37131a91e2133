package app.photobomb.ops.reprocess.domain;

import java.sql.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The processing_jobs table as the reprocess-service writes it: pages of a batch's jobs, reaping, cancelling. */
@Repository
public class ProcessingJobs {

  private final JdbcTemplate jdbc;

  public ProcessingJobs(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Inserts the jobs of the next page of the batch's photos after {@code after} (keyset by photo id, live users
   * only), in one statement. A photo whose job for the same target exists is not queued again, unless that job
   * failed or was cancelled and its outcome was reported already (then this batch gives it another chance).
   */
  public Page insertPage(Batch batch, UUID after, int pageSize) {
    BatchFilter.Conditions conditions = batch.filter().conditions();
    String sql = """
        WITH page AS (
            SELECT p.photo_id, p.upload_id FROM photos p JOIN users u ON u.user_id = p.user_id
            WHERE u.deleted_at IS NULL%s%s
            ORDER BY p.photo_id LIMIT ?),
        queued AS (
            INSERT INTO processing_jobs (upload_id, photo_id, job_type, priority, idempotency_key, batch_id, queue)
            SELECT upload_id, photo_id, ?, ?, ? || ':' || photo_id || ':' || ?, ?, ? FROM page
            ON CONFLICT (idempotency_key) DO UPDATE SET status = 'queued', batch_id = excluded.batch_id,
                priority = excluded.priority, queue = excluded.queue, attempts = 0, last_error = NULL, worker = NULL,
                lease_until = NULL, result = NULL, finished_at = NULL, reported_at = NULL, updated_at = now()
            WHERE processing_jobs.status IN ('failed', 'cancelled') AND processing_jobs.reported_at IS NOT NULL
            RETURNING job_id)
        SELECT (SELECT count(*) FROM page) AS selected,
               (SELECT photo_id FROM page ORDER BY photo_id DESC LIMIT 1) AS last_photo_id,
               (SELECT array_agg(job_id ORDER BY job_id) FROM queued) AS job_ids"""
        .formatted(after == null ? "" : " AND p.photo_id > ?", conditions.sql());
    List<Object> parameters = new ArrayList<>();
    if (after != null) {
      parameters.add(after);
    }
    parameters.addAll(conditions.parameters());
    parameters.addAll(List.of(pageSize, batch.jobType(), batch.priority(), batch.jobType(), batch.target(),
        batch.batchId(), batch.queue()));
    return jdbc.queryForObject(sql, (row, n) -> new Page(row.getInt("selected"),
        (UUID) row.getObject("last_photo_id"), longs(row.getArray("job_ids"))), parameters.toArray());
  }

  /** The batch's still queued jobs of the photos in (after, through]: a page to push again after a crash. */
  public List<Long> queuedBetween(UUID batchId, UUID after, UUID through) {
    return after == null
        ? jdbc.queryForList("SELECT job_id FROM processing_jobs WHERE batch_id = ? AND status = 'queued' "
            + "AND photo_id <= ? ORDER BY job_id", Long.class, batchId, through)
        : jdbc.queryForList("SELECT job_id FROM processing_jobs WHERE batch_id = ? AND status = 'queued' "
            + "AND photo_id > ? AND photo_id <= ? ORDER BY job_id", Long.class, batchId, after, through);
  }

  /** Cancels up to {@code limit} of the batch's queued jobs (a worker taking one meanwhile keeps it). */
  public int cancelQueued(UUID batchId, int limit) {
    return jdbc.update("""
        UPDATE processing_jobs SET status = 'cancelled', last_error = 'batch cancelled', finished_at = now(),
               updated_at = now()
        WHERE job_id IN (SELECT job_id FROM processing_jobs WHERE batch_id = ? AND status = 'queued'
                         LIMIT ? FOR UPDATE SKIP LOCKED)""", batchId, limit);
  }

  private static List<Long> longs(Array array) throws java.sql.SQLException {
    return array == null ? List.of() : Arrays.asList((Long[]) array.getArray());
  }

  /** One page: how many photos it selected, the last of them (the cursor), the jobs it queued. */
  public record Page(int selected, UUID lastPhotoId, List<Long> jobIds) {
  }
}
