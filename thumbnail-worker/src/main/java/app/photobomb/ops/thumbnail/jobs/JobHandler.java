package app.photobomb.ops.thumbnail.jobs;

/** Does the work of one job type; the worker loop claims, keeps the lease, and finishes the job with its outcome. */
public interface JobHandler {

  /** The processing_jobs.job_type it handles. */
  String jobType();

  /**
   * Does the work outside any transaction (reads, renders, uploads) and returns the outcome. {@code lease} tells
   * whether the job is still this worker's, so that long work can stop early once it is not.
   */
  JobOutcome handle(ClaimedJob job, Lease lease) throws Exception;

  /** Whether this worker still holds the job's lease. */
  @FunctionalInterface
  interface Lease {
    boolean held();
  }
}
