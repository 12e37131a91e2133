package app.photobomb.ops.common.events;

import java.time.Instant;

/**
 * Warning: a queue has kept growing while its deployment runs at the most replicas it may have; more workers will
 * not come by themselves (an on-call engineer's alert).
 *
 * @param since when the queue was first seen growing at the maximum
 */
public record QueueBacklogUnresolved(String queue, String deployment, String namespace, long depth, int replicas,
    double growthPerSecond, Instant since, Instant observedAt) implements QueueMessage {
}
