package app.photobomb.ops.common.messaging;

import java.util.Map;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Builds the Spring Kafka error handler of the containers the binder makes for the core's consumers. A consumer
 * names the record it could not finish in a BatchListenerFailedException; the handler commits the records before
 * it, waits, and redelivers from it: after the handler-failure backoff (200 ms doubling to 2 s by default) when
 * the record's handling failed, after growing pauses (1 s doubling to 30 s) when the database is out.
 *
 * <p>The consumer, not the handler, counts a record's attempts and dead-letters it: a record whose attempts
 * straddle an outage would otherwise keep the backoff state of its first failure.
 */
final class ConsumerErrorHandler {

  private ConsumerErrorHandler() {
  }

  static DefaultErrorHandler create(MessagingProperties properties) {
    ExponentialBackOff outage = new ExponentialBackOff(1_000, 2.0);
    outage.setMaxInterval(30_000);
    ExponentialBackOff handlerFailure = new ExponentialBackOff(properties.initialBackoff().toMillis(), 2.0);
    handlerFailure.setMaxInterval(properties.maxBackoff().toMillis());

    DefaultErrorHandler handler = new DefaultErrorHandler((record, exception) -> {
      // Both backoffs are unbounded, so this is never reached; were it reached, skipping would lose the record.
      throw new IllegalStateException("records are dead-lettered by the messaging core, not skipped", exception);
    }, outage);
    // Every failure that reaches the container is to be waited out: the core has dead-lettered the rest.
    handler.setClassifications(Map.of(), true);
    handler.setBackOffFunction((record, exception) -> Failures.isOutage(exception) ? outage : handlerFailure);
    return handler;
  }
}
