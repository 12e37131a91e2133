package app.photobomb.ops.common.events;

import java.util.UUID;

/** Fact: every job of the batch has ended; cancelled counts the jobs a cancel took off the queue. */
public record ReprocessBatchCompleted(UUID batchId, long done, long failed, Long cancelled)
    implements ReprocessMessage {
}
