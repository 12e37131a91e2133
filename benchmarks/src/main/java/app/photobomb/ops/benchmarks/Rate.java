package app.photobomb.ops.benchmarks;

/** Events per second over a measured span. */
record Rate(long events, long nanos) {

  double perSecond() {
    return events * 1e9 / nanos;
  }
}
