package app.photobomb.ops.common.events;

import java.util.UUID;

/** Fact: every job of the batch has ended. */
public record ReprocessBatchCompleted(UUID batchId, long done, long failed)
    implements ReprocessMessage {
}
