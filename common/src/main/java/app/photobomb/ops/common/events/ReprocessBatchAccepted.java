package app.photobomb.ops.common.events;

import java.util.UUID;

/** Fact: the batch's jobs are queued. */
public record ReprocessBatchAccepted(UUID batchId, long jobCount)
    implements ReprocessMessage {
}
