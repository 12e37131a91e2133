package app.photobomb.ops.storage.resilience;

import app.photobomb.ops.common.storage.ObjectNotFoundException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Resilience4j circuit breaker per object store, with its state as metrics and its changes as log lines. */
public final class StoreBreakers {

  private static final Logger log = LoggerFactory.getLogger(StoreBreakers.class);

  private final CircuitBreakerRegistry registry;
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

  public StoreBreakers(BreakerProperties properties, MeterRegistry meterRegistry) {
    CircuitBreakerConfig config = CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(properties.failureThreshold())
        .minimumNumberOfCalls(properties.failureThreshold())
        .failureRateThreshold(100)
        .waitDurationInOpenState(properties.openDuration())
        .permittedNumberOfCallsInHalfOpenState(properties.halfOpenCalls())
        // A missing object or a refused key is an answer, not a sign that the store is down.
        .ignoreExceptions(ObjectNotFoundException.class, IllegalArgumentException.class)
        .build();
    this.registry = CircuitBreakerRegistry.of(config);
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meterRegistry);
  }

  /** The breaker of a store, created (and its transitions logged) on first use. */
  public CircuitBreaker of(String provider) {
    return breakers.computeIfAbsent(provider, name -> {
      CircuitBreaker breaker = registry.circuitBreaker(name);
      breaker.getEventPublisher().onStateTransition(event -> log.warn(
          "object store {} circuit breaker {} -> {}: {}", name, event.getStateTransition().getFromState(),
          event.getStateTransition().getToState(), advice(event.getStateTransition().getToState())));
      return breaker;
    });
  }

  private static String advice(CircuitBreaker.State state) {
    return switch (state) {
      case OPEN -> "writes go to the fallback store or the retry queue; check the provider's status page";
      case HALF_OPEN -> "trying the store again";
      case CLOSED -> "store healthy again; the retry queue drains";
      default -> "";
    };
  }
}
