package app.photobomb.ops.common.events;

import java.util.UUID;

/** Messages of the reprocessing flow; keyed by batch id. */
public sealed interface ReprocessMessage extends PhotobombMessage
    permits ReprocessBatch, ReprocessBatchCancelled, ReprocessBatchAccepted, ReprocessBatchProgressed, ReprocessBatchCompleted,
    ReprocessBatchFailed {

  UUID batchId();

  @Override
  default String key() {
    return batchId().toString();
  }
}
