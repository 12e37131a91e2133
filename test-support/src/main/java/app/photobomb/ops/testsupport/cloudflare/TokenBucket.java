package app.photobomb.ops.testsupport.cloudflare;

/**
 * A token bucket as Cloudflare keeps one: full at the start, refilled continuously at {@code perSecond} up to
 * {@code capacity}. (Resilience4j's RateLimiter hands out a fixed number per period instead, with no burst above it.)
 * Not thread-safe: the stand-in checks and takes from all its buckets under one lock.
 */
final class TokenBucket {

  private final double capacity;
  private final double perSecond;
  private double tokens;
  private long refilledAtNanos;

  TokenBucket(double capacity, double perSecond, long nowNanos) {
    this.capacity = capacity;
    this.perSecond = perSecond;
    this.tokens = capacity;
    this.refilledAtNanos = nowNanos;
  }

  /** Nanoseconds until {@code n} tokens are there (0: now). */
  long waitNanos(double n, long nowNanos) {
    refill(nowNanos);
    double missing = Math.min(n, capacity) - tokens;
    return missing <= 0 ? 0 : (long) Math.ceil(missing / perSecond * 1e9);
  }

  void take(double n, long nowNanos) {
    refill(nowNanos);
    tokens -= Math.min(n, capacity);
  }

  private void refill(long nowNanos) {
    if (nowNanos > refilledAtNanos) {
      tokens = Math.min(capacity, tokens + (nowNanos - refilledAtNanos) / 1e9 * perSecond);
      refilledAtNanos = nowNanos;
    }
  }
}
