package app.photobomb.ops.common.messaging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;

/**
 * Runs an action up to a bounded number of attempts with exponential backoff between them (Spring's
 * RetryTemplate); a database outage is not retried here: it goes back to the binder, which redelivers.
 */
public final class RetryingExecutor {

  /** How a run ended: {@code failure} is null on success, else the last failure after {@code attempts} tries. */
  public record Outcome(int attempts, RuntimeException failure) {
  }

  private final RetryTemplate template;

  public RetryingExecutor(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    this.template = new RetryTemplate(RetryPolicy.builder()
        .maxRetries(maxAttempts - 1L)
        .delay(initialBackoff)
        .multiplier(2.0)
        .maxDelay(maxBackoff)
        .predicate(failure -> !Failures.isInfrastructure(failure))
        .build());
  }

  /** Runs the action; {@code onRetry} hears of each failed attempt that is tried again. */
  public Outcome run(Runnable action, Runnable onRetry) {
    AtomicInteger attempts = new AtomicInteger();
    try {
      template.execute(() -> {
        if (attempts.incrementAndGet() > 1) {
          onRetry.run();
        }
        action.run();
        return null;
      });
      return new Outcome(attempts.get(), null);
    } catch (RetryException e) {
      Throwable last = e.getLastException() != null ? e.getLastException() : e.getCause();
      return new Outcome(attempts.get(), last instanceof RuntimeException runtime ? runtime
          : new IllegalStateException(last));
    }
  }
}
