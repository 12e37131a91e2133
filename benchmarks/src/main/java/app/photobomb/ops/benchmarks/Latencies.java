package app.photobomb.ops.benchmarks;

import java.util.Arrays;

/** End-to-end latencies of numbered events: sent at one instant, seen at another. */
final class Latencies {

  private final long[] sentNanos;
  private final long[] latencyNanos;

  Latencies(int count) {
    this.sentNanos = new long[count];
    this.latencyNanos = new long[count];
    Arrays.fill(latencyNanos, -1);
  }

  void sent(int index, long nanos) {
    sentNanos[index] = nanos;
  }

  /** Records the first arrival of an event; a duplicate arrival does not count again. */
  synchronized boolean seen(int index, long nanos) {
    if (latencyNanos[index] >= 0) {
      return false;
    }
    latencyNanos[index] = nanos - sentNanos[index];
    return true;
  }

  double percentileMillis(double percentile) {
    long[] sorted = Arrays.stream(latencyNanos).filter(l -> l >= 0).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100.0 * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }
}
