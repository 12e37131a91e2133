package app.photobomb.ops.scaling.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * What a queue's recent samples say: how fast its depth changes over the window, and since when its head item has
 * been at the head (a lower bound of the oldest item's age, known without reading the item).
 */
final class QueueTrend {

  private final Duration window;
  private final Deque<Sample> samples = new ArrayDeque<>();
  private String head;
  private Instant headSince;

  QueueTrend(Duration window) {
    this.window = window;
  }

  void sample(long depth, String headItem, Instant at) {
    samples.addLast(new Sample(depth, at));
    // keep one sample at or beyond the window's start, so the rate spans the whole window once it can
    while (samples.size() > 2) {
      Sample oldest = samples.removeFirst();
      if (samples.getFirst().at().plus(window).isAfter(at)) {
        samples.addFirst(oldest);
        break;
      }
    }
    if (headItem == null || !Objects.equals(headItem, head)) {
      headSince = headItem == null ? null : at;
    }
    head = headItem;
  }

  /** Items per second over the window (negative: draining); null before two samples. */
  Double growthPerSecond() {
    Sample first = samples.peekFirst();
    Sample last = samples.peekLast();
    if (first == null || first == last || !last.at().isAfter(first.at())) {
      return null;
    }
    double seconds = Duration.between(first.at(), last.at()).toNanos() / 1e9;
    return Math.round((last.depth() - first.depth()) / seconds * 10) / 10.0;
  }

  /** Whole seconds the head item has been seen at the head; null when the queue is empty. */
  Long oldestItemAgeSeconds(Instant now) {
    return headSince == null ? null : Duration.between(headSince, now).toSeconds();
  }

  private record Sample(long depth, Instant at) {
  }
}
