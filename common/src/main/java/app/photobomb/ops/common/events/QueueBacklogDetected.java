package app.photobomb.ops.common.events;

import java.time.Instant;

/**
 * Fact: a work queue is deeper than its threshold.
 *
 * @param growthPerSecond how fast the depth changed over the monitor's recent window (negative: draining); null when
 *     the sender does not know
 * @param oldestItemAgeSeconds at least how long the queue's head item has waited; null when not known
 */
public record QueueBacklogDetected(String queue, long depth, long threshold, Instant observedAt,
    Double growthPerSecond, Long oldestItemAgeSeconds) implements QueueMessage {

  /** A backlog told by a system that knows only the depth. */
  public QueueBacklogDetected(String queue, long depth, long threshold, Instant observedAt) {
    this(queue, depth, threshold, observedAt, null, null);
  }
}
