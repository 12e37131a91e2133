package app.photobomb.ops.storage.b2;

import com.backblaze.b2.client.B2RetryPolicy;
import com.backblaze.b2.client.exceptions.B2Exception;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the SDK retries one B2 call: at most {@code maxAttempts} attempts; a 429 waits as long as B2's
 * Retry-After says, other retryable failures (500, 503, 408, network errors) back off 1, 2, 4... seconds;
 * every wait is capped at {@code maxBackoff}. The SDK's own default waits minutes in total, too long for a
 * request path that has a fallback store. The SDK asks its supplier for one instance per call.
 */
final class BoundedRetryPolicy implements B2RetryPolicy {

  private static final Logger log = LoggerFactory.getLogger(BoundedRetryPolicy.class);

  private final int maxAttempts;
  private final int maxBackoffSeconds;

  BoundedRetryPolicy(int maxAttempts, Duration maxBackoff) {
    this.maxAttempts = maxAttempts;
    // The SDK sleeps in whole seconds; rounding up keeps a sub-second cap from turning into a busy loop.
    this.maxBackoffSeconds = (int) Math.min(Integer.MAX_VALUE, maxBackoff.plusNanos(999_999_999).toSeconds());
  }

  @Override
  public Integer gotRetryableAfterDelay(String operation, int attemptsSoFar, long tookMillis, B2Exception e) {
    if (attemptsSoFar >= maxAttempts) {
      log.warn("B2 {} failed {} times, giving up: {} {}", operation, attemptsSoFar, e.getStatus(), e.getCode());
      return null;
    }
    Integer retryAfter = e.getRetryAfterSecondsOrNull();
    int wait = Math.min(retryAfter != null ? Math.max(retryAfter, 0) : exponential(attemptsSoFar), maxBackoffSeconds);
    log.info("B2 {} failed ({} {}) on attempt {} of {}; retrying in {} s", operation, e.getStatus(), e.getCode(),
        attemptsSoFar, maxAttempts, wait);
    return wait;
  }

  @Override
  public boolean gotRetryableImmediately(String operation, int attemptsSoFar, long tookMillis, B2Exception e) {
    // A 401 mid-session: the SDK has already dropped its expired token and will authorize afresh.
    boolean retry = attemptsSoFar < maxAttempts;
    log.info("B2 {} was unauthorized on attempt {} of {}{}", operation, attemptsSoFar, maxAttempts,
        retry ? "; retrying with a new token" : "; giving up");
    return retry;
  }

  private static int exponential(int attemptsSoFar) {
    return 1 << Math.min(attemptsSoFar - 1, 30);
  }
}
