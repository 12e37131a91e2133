package app.photobomb.ops.reprocess.domain;

import java.util.UUID;

/** One reprocess_batches row, as the enqueuer and the handlers read it. */
public record Batch(UUID batchId, String jobType, BatchFilter filter, int priority, String requestedBy, String status,
    String queue, String target, UUID insertedThrough, UUID pushedThrough, long jobCount, String correlationId) {

  public static final String ENQUEUING = "enqueuing";
  public static final String ENQUEUED = "enqueued";
  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  /** Jobs of a page were inserted, and its items perhaps not pushed: a stopped enqueuer left it. */
  public boolean hasUnpushedPage() {
    return insertedThrough != null && !insertedThrough.equals(pushedThrough);
  }
}
