package app.photobomb.ops.common.events;

import java.time.Instant;

/** Fact: a work queue is deeper than its threshold. */
public record QueueBacklogDetected(String queue, long depth, long threshold, Instant observedAt)
    implements QueueMessage {
}
