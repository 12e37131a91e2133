package app.photobomb.ops.cdn.sender;

import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket as Cloudflare keeps one per account: {@code capacity} tokens, refilled at {@code perSecond}. Taking
 * only what is there keeps the sender under the limit, so Cloudflare never has to answer 429.
 */
final class TokenBucket {

  private final double capacity;
  private final double perSecond;
  private double tokens;
  private Instant refilledAt;

  TokenBucket(double capacity, double perSecond, Instant now) {
    this.capacity = capacity;
    this.perSecond = perSecond;
    this.tokens = capacity;
    this.refilledAt = now;
  }

  /** How long until {@code n} tokens are there (zero: now). */
  synchronized Duration wait(double n, Instant now) {
    refill(now);
    double missing = Math.min(n, capacity) - tokens;
    return missing <= 0 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil(missing / perSecond * 1e9));
  }

  /** Takes {@code n} tokens (call after {@link #wait} said zero). */
  synchronized void take(double n, Instant now) {
    refill(now);
    tokens -= Math.min(n, capacity);
  }

  /** Empties the bucket: Cloudflare said 429, so its own bucket is empty whatever this one counted. */
  synchronized void drain(Instant now) {
    refill(now);
    tokens = 0;
  }

  synchronized double available(Instant now) {
    refill(now);
    return tokens;
  }

  private void refill(Instant now) {
    if (now.isAfter(refilledAt)) {
      tokens = Math.min(capacity, tokens + Duration.between(refilledAt, now).toNanos() / 1e9 * perSecond);
      refilledAt = now;
    }
  }
}
