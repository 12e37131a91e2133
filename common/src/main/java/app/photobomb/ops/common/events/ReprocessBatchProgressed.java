package app.photobomb.ops.common.events;

import java.util.UUID;

/** Fact: progress of a reprocessing batch. */
public record ReprocessBatchProgressed(UUID batchId, long done, long failed, long total)
    implements ReprocessMessage {
}
