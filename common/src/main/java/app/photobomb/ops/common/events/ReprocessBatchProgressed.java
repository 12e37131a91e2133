package app.photobomb.ops.common.events;

import java.util.UUID;

/**
 * Fact: progress of a reprocessing batch; ratePerSecond is the jobs ended per second since the last progress, and
 * etaSeconds the time the rest takes at that rate (absent while nothing moves).
 */
public record ReprocessBatchProgressed(UUID batchId, long done, long failed, long total, Double ratePerSecond,
    Long etaSeconds) implements ReprocessMessage {
}
