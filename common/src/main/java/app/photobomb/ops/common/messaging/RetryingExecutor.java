package app.photobomb.ops.common.messaging;

import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/** Runs an action up to a bounded number of attempts with exponential backoff between them. */
public final class RetryingExecutor {

  /** How a run ended: {@code failure} is null on success, else the last failure after {@code attempts} tries. */
  public record Outcome(int attempts, RuntimeException failure) {
  }

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  public RetryingExecutor(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  public Outcome run(Runnable action, Consumer<RuntimeException> onRetry) {
    ExponentialBackOff backOff = new ExponentialBackOff(initialBackoff.toMillis(), 2.0);
    backOff.setMaxInterval(maxBackoff.toMillis());
    BackOffExecution waits = backOff.start();
    RuntimeException last = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        action.run();
        return new Outcome(attempt, null);
      } catch (RuntimeException e) {
        last = e;
        if (attempt == maxAttempts || Failures.isInfrastructure(e)) {
          return new Outcome(attempt, e);
        }
        onRetry.accept(e);
        pause(waits.nextBackOff());
      }
    }
    return new Outcome(maxAttempts, last);
  }

  private static void pause(long millis) {
    try {
      // The consumer thread owns this partition; waiting here is the bounded backoff the binder would do.
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during retry backoff", e);
    }
  }
}
