package app.photobomb.ops.thumbnail.jobs;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** The processing_jobs statements of the worker contract (reprocess-service/README.md), word for word. */
public final class ProcessingJobs {

  /** What a look before the claim finds: the job's type and status, or nothing when there is no such row. */
  public record Peek(String jobType, String status) {
  }

  private static final String CLAIM = """
      UPDATE processing_jobs SET status = 'running', attempts = attempts + 1, worker = ?,
             lease_until = now() + make_interval(secs => ?), updated_at = now()
       WHERE job_id = ? AND status = 'queued'
      RETURNING job_type, photo_id, upload_id, attempts, max_attempts, batch_id""";
  private static final String EXTEND = """
      UPDATE processing_jobs SET lease_until = now() + make_interval(secs => ?)
       WHERE job_id = ? AND worker = ? AND status = 'running'""";
  private static final String DONE = """
      UPDATE processing_jobs SET status = 'done', result = ?::jsonb, worker = NULL, lease_until = NULL,
             finished_at = now(), updated_at = now()
       WHERE job_id = ? AND worker = ? AND status = 'running'""";
  // Another attempt while attempts remain, else failed for good; the reason is kept either way.
  private static final String FAIL = """
      UPDATE processing_jobs SET status = CASE WHEN attempts < max_attempts THEN 'queued' ELSE 'failed' END,
             last_error = ?, worker = NULL, lease_until = NULL,
             finished_at = CASE WHEN attempts < max_attempts THEN NULL ELSE now() END, updated_at = now()
       WHERE job_id = ? AND worker = ? AND status = 'running'
      RETURNING status""";
  // A worker that stops before the job is finished gives it back: queued again, and the attempt it did not finish
  // is not counted, so that scale-downs never use up a job's attempts.
  private static final String RELEASE = """
      UPDATE processing_jobs SET status = 'queued', attempts = attempts - 1, worker = NULL, lease_until = NULL,
             updated_at = now()
       WHERE job_id = ? AND worker = ? AND status = 'running'""";

  private final JdbcTemplate jdbc;

  public ProcessingJobs(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public Optional<Peek> peek(long jobId) {
    return jdbc.query("SELECT job_type, status FROM processing_jobs WHERE job_id = ?",
        (rs, row) -> new Peek(rs.getString(1), rs.getString(2)), jobId).stream().findFirst();
  }

  /** The claim; empty when the job is not queued (running elsewhere, finished, cancelled, or no such job). */
  public Optional<ClaimedJob> claim(long jobId, String worker, Duration lease) {
    List<ClaimedJob> claimed = jdbc.query(CLAIM, (rs, row) -> new ClaimedJob(jobId, rs.getString("job_type"),
        rs.getObject("photo_id", UUID.class), rs.getObject("upload_id", UUID.class), rs.getInt("attempts"),
        rs.getInt("max_attempts"), rs.getObject("batch_id", UUID.class)), worker, seconds(lease), jobId);
    return claimed.stream().findFirst();
  }

  /** Extends the lease; {@code false} when the worker no longer holds the job. */
  public boolean extendLease(long jobId, String worker, Duration lease) {
    return jdbc.update(EXTEND, seconds(lease), jobId, worker) == 1;
  }

  /** Marks the job done, in the caller's transaction; {@code false} when the lease was lost. */
  public boolean markDone(long jobId, String worker, String resultJson) {
    return jdbc.update(DONE, resultJson, jobId, worker) == 1;
  }

  /**
   * Records a failed attempt: {@code queued} again while attempts remain, else {@code failed}; empty when the lease
   * was lost, so the job is another worker's.
   */
  public Optional<String> markFailed(long jobId, String worker, String reason) {
    return jdbc.queryForList(FAIL, String.class, reason, jobId, worker).stream().findFirst();
  }

  /** Gives the job back to its queue unfinished; {@code false} when the worker no longer holds it (done meanwhile). */
  public boolean release(long jobId, String worker) {
    return jdbc.update(RELEASE, jobId, worker) == 1;
  }

  private static double seconds(Duration lease) {
    return lease.toMillis() / 1000.0;
  }
}
