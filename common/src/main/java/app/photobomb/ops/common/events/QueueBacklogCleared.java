package app.photobomb.ops.common.events;

import java.time.Instant;

/** Fact: a work queue is back under its threshold. */
public record QueueBacklogCleared(String queue, long depth, Instant observedAt)
    implements QueueMessage {
}
