package app.photobomb.ops.scaling.domain;

import app.photobomb.ops.scaling.config.ScalingProperties;
import app.photobomb.ops.scaling.config.ScalingProperties.QueuePolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The scaling state as gauges, read from Redis at each scrape (the same on every replica): each policy's queue
 * depth last observed, how long it has been growing with its deployment at the maximum (the backlog the service
 * tells unresolved), each deployment's replicas last read or set and its maximum. The unresolved counter is
 * registered at start, so that its first increase is seen by {@code increase()}.
 */
@Component
class ScalingMetrics {

  ScalingMetrics(MeterRegistry registry, ScalingProperties properties, ScalingState state, Clock clock) {
    Set<String> deployments = new HashSet<>();
    for (QueuePolicy policy : properties.policies()) {
      String queue = policy.queue();
      Gauge.builder("photobomb.scaling.queue.depth", state, s -> s.depth(queue).orElse(0))
          .description("Queue depth the scaler last observed").tag("queue", queue).register(registry);
      Gauge.builder("photobomb.scaling.growing_at_max_seconds", state, s -> s.growingAtMax(queue)
              .map(since -> Math.max(0, Duration.between(since, clock.instant()).toMillis() / 1000.0)).orElse(0.0))
          .description("How long the queue has been growing with its deployment at the maximum (0: it is not)")
          .tag("queue", queue).register(registry);
      Counter.builder("photobomb.scaling.unresolved").description("queue-backlog-unresolved warnings told")
          .tag("queue", queue).register(registry);
      String key = Scaler.key(policy.namespace(), policy.deployment());
      if (!deployments.add(key)) {
        continue;
      }
      Gauge.builder("photobomb.scaling.replicas", state, s -> s.replicas(key).orElse(0))
          .description("Replicas (or the HPA's minReplicas) the scaler last read or set")
          .tags("namespace", policy.namespace(), "deployment", policy.deployment()).register(registry);
      Gauge.builder("photobomb.scaling.max_replicas", () -> properties.maxReplicasOf(policy.namespace(),
              policy.deployment()))
          .description("The most replicas the policies allow the deployment")
          .tags("namespace", policy.namespace(), "deployment", policy.deployment()).register(registry);
    }
  }
}
