package app.photobomb.ops.scaling.domain;

import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.events.QueueBacklogCleared;
import app.photobomb.ops.common.events.QueueBacklogDetected;
import app.photobomb.ops.common.events.QueueBacklogUnresolved;
import app.photobomb.ops.common.events.ScaleWorkersRequested;
import app.photobomb.ops.common.events.ScalingFailed;
import app.photobomb.ops.common.events.WorkersScaled;
import app.photobomb.ops.common.messaging.HandlingContext;
import app.photobomb.ops.scaling.config.ScalingProperties;
import app.photobomb.ops.scaling.config.ScalingProperties.QueuePolicy;
import app.photobomb.ops.scaling.kubernetes.ScaleTarget;
import app.photobomb.ops.scaling.kubernetes.ScalingFailure;
import app.photobomb.ops.scaling.kubernetes.WorkerDeployments;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The scaling rules (runbook task 3): a queue's depth asks for clamp(ceil(depth / jobs per replica), min, max)
 * replicas of its deployment; more are given at once, fewer only once the stabilization window has asked for no
 * more, by bounded steps. A manual request wins for the hold time. Where an HPA owns the deployment its
 * minReplicas is raised while the backlog lasts, then restored. Runs inside the handler's transaction, so its
 * audit rows and events commit with the inbox record, and under the deployment's lock, so that two handlers never
 * decide on the same replicas; a call already at its target is not made.
 */
@Service
public class Scaler {

  static final String SERVICE = "scaling-service";
  private static final Logger log = LoggerFactory.getLogger(Scaler.class);

  private final ScalingProperties properties;
  private final ScalingState state;
  private final DeploymentLock lock;
  private final WorkerDeployments deployments;
  private final AuditLog audit;
  private final Clock clock;
  private final MeterRegistry meters;

  public Scaler(ScalingProperties properties, ScalingState state, DeploymentLock lock, WorkerDeployments deployments,
      AuditLog audit, Clock clock, MeterRegistry meters) {
    this.properties = properties;
    this.state = state;
    this.lock = lock;
    this.deployments = deployments;
    this.audit = audit;
    this.clock = clock;
    this.meters = meters;
  }

  public void backlogDetected(QueueBacklogDetected event, HandlingContext context) {
    Optional<Replicas> now = observed(event.queue(), event.depth(), event.observedAt(), "queue-backlog-detected",
        context);
    boolean growing = event.growthPerSecond() != null && event.growthPerSecond() > 0;
    if (now.isEmpty() || !growing || now.get().current() < Math.min(now.get().ceiling(),
        properties.policy(event.queue()).orElseThrow().maxReplicas())) {
      state.notGrowingAtMax(event.queue());
      return;
    }
    warnIfUnresolved(event, now.get(), context);
  }

  public void backlogCleared(QueueBacklogCleared event, HandlingContext context) {
    observed(event.queue(), event.depth(), event.observedAt(), "queue-backlog-cleared", context);
    state.notGrowingAtMax(event.queue());
  }

  /** A person's or a system's scale: clamped to the deployment's max, held against the automatic policy. */
  public void requested(ScaleWorkersRequested command, HandlingContext context) {
    String namespace = command.namespace();
    String deployment = command.deployment();
    int max = properties.maxReplicasOf(namespace, deployment);
    int wanted = Math.min(command.replicas(), max);
    Cause cause = new Cause(command.requestedBy(), "scale-workers-requested by " + command.requestedBy()
        + (command.reason() == null ? "" : ": " + command.reason()), context);
    lock.lock(namespace, deployment);
    Optional<ScaleTarget> read = read(namespace, deployment, cause);
    if (read.isEmpty()) {
      return;
    }
    ScaleTarget target = read.get();
    int to = target.viaHpa() ? Math.max(target.floor(), Math.min(wanted, target.hpaMaxReplicas())) : wanted;
    Duration hold = command.holdSeconds() == null ? properties.manualHold() : Duration.ofSeconds(command.holdSeconds());
    String why = "manual, held " + (hold.toSecondsPart() == 0 && !hold.isZero() ? hold.toMinutes() + " min"
        : hold.toSeconds() + " s") + ": " + cause.trigger();
    if (!change(target, to, why, cause)) {
      return;
    }
    if (!hold.isZero()) {
      state.hold(key(namespace, deployment), hold);
    }
    if (command.replicas() > max) {
      context.emit(new ScalingFailed(deployment, namespace, ScalingFailure.ABOVE_MAX + ": " + command.replicas()
          + " replicas asked, more than the " + max + " the policy allows (its max-replicas); "
          + "set to " + to + " instead"));
    }
  }

  /** The deployment's replicas after the policy acted on the depth; empty when held, unknown or unreadable. */
  private Optional<Replicas> observed(String queue, long depth, Instant observedAt, String type,
      HandlingContext context) {
    Optional<QueuePolicy> policy = properties.policy(queue);
    if (policy.isEmpty()) {
      log.debug("{} of queue {}: no policy names it, nothing to scale", type, queue);
      return Optional.empty();
    }
    String namespace = policy.get().namespace();
    String deployment = policy.get().deployment();
    lock.lock(namespace, deployment);
    state.observe(queue, depth, observedAt);
    Cause cause = new Cause(SERVICE, type + " " + queue + " at depth " + depth, context);
    Optional<Duration> held = state.holdRemaining(key(namespace, deployment));
    if (held.isPresent()) {
      log.info("{}: {}/{} is held by a manual scale for {} more; the automatic policy waits", cause.trigger(),
          namespace, deployment, held.get());
      return Optional.empty();
    }
    return reconcile(namespace, deployment, cause);
  }

  private Optional<Replicas> reconcile(String namespace, String deployment, Cause cause) {
    List<QueuePolicy> policies = properties.policiesOf(namespace, deployment);
    int wanted = policies.stream().mapToInt(p -> p.desiredReplicas(state.depth(p.queue()).orElse(0))).max()
        .orElseThrow();
    int least = policies.stream().mapToInt(QueuePolicy::minReplicas).max().orElseThrow();
    Optional<ScaleTarget> read = read(namespace, deployment, cause);
    if (read.isEmpty()) {
      return Optional.empty();
    }
    ScaleTarget target = read.get();
    int ceiling = target.viaHpa() ? target.hpaMaxReplicas() : Integer.MAX_VALUE;
    // An HPA keeps its own minimum unless a backlog asks for more.
    int goal = target.viaHpa() ? (wanted > least ? Math.min(Math.max(wanted, target.floor()), target.hpaMaxReplicas())
        : target.floor()) : wanted;
    Instant now = clock.instant();
    String key = key(namespace, deployment);
    state.recommend(key, goal, now, properties.stabilizationWindow());
    int current = target.current();
    if (goal > current) {
      boolean changed = change(target, goal, "backlog: " + cause.trigger() + " asks for " + wanted + " replicas",
          cause);
      return Optional.of(new Replicas(changed ? goal : current, ceiling));
    }
    Optional<Replicas> unchanged = Optional.of(new Replicas(current, ceiling));
    if (goal == current) {
      return unchanged;
    }
    Optional<Instant> since = state.recommendingSince(key);
    if (since.isEmpty() || since.get().plus(properties.stabilizationWindow()).isAfter(now)) {
      return unchanged;
    }
    Optional<Instant> lastDown = state.lastScaleDown(key);
    if (lastDown.isPresent() && lastDown.get().plus(properties.scaleDownPeriod()).isAfter(now)) {
      return unchanged;
    }
    int stable = Math.max(goal, state.highestRecommendation(key));
    int to = Math.max(Math.max(stable, current - properties.scaleDownStep()), target.floor());
    if (to >= current) {
      return unchanged;
    }
    if (!change(target, to, "scale-down: nothing asked for more than " + stable + " replicas for "
        + properties.stabilizationWindow().toSeconds() + " s (" + cause.trigger() + "), at most "
        + properties.scaleDownStep() + " per step", cause)) {
      return unchanged;
    }
    state.scaledDown(key, now);
    return Optional.of(new Replicas(to, ceiling));
  }

  /** A queue growing at its deployment's maximum for the unresolved time is told, once per repeat. */
  private void warnIfUnresolved(QueueBacklogDetected event, Replicas replicas, HandlingContext context) {
    Instant since = state.growingAtMaxSince(event.queue(), event.observedAt());
    if (since.plus(properties.unresolvedAfter()).isAfter(event.observedAt())
        || !state.firstUnresolvedWithin(event.queue(), properties.unresolvedRepeat())) {
      return;
    }
    QueuePolicy policy = properties.policy(event.queue()).orElseThrow();
    meters.counter("photobomb.scaling.unresolved", "queue", event.queue()).increment();
    log.warn("queue {} keeps growing ({} items/s, depth {}) with {}/{} at its maximum of {} replicas since {}: "
        + "more workers will not come by themselves", event.queue(), event.growthPerSecond(), event.depth(),
        policy.namespace(), policy.deployment(), replicas.current(), since);
    context.emit(new QueueBacklogUnresolved(event.queue(), policy.deployment(), policy.namespace(), event.depth(),
        replicas.current(), event.growthPerSecond(), since, event.observedAt()));
  }

  private Optional<ScaleTarget> read(String namespace, String deployment, Cause cause) {
    try {
      ScaleTarget target = deployments.read(namespace, deployment);
      state.replicasSeen(key(namespace, deployment), target.current());
      return Optional.of(target);
    } catch (ScalingFailure failure) {
      failed(namespace, deployment, failure, cause);
      return Optional.empty();
    }
  }

  /** Sets the target unless it is there already; audits and answers either way it went. */
  private boolean change(ScaleTarget target, int to, String why, Cause cause) {
    int from = target.current();
    String reason = why + (target.viaHpa() ? " (via " + target.describe() + ")" : "");
    if (to != from) {
      try {
        deployments.set(target, to);
        state.replicasSeen(key(target.namespace(), target.deployment()), to);
      } catch (ScalingFailure failure) {
        failed(target.namespace(), target.deployment(), failure, cause);
        return false;
      }
    }
    Map<String, Object> details = details(target.namespace(), target.deployment(), cause);
    details.put("changed", target.describe());
    details.put("from", from);
    details.put("to", to);
    details.put("reason", reason);
    audit.record(null, "workers_scaled", cause.actor(), details);
    meters.counter("photobomb.scaling.changes", "deployment", target.deployment(),
        "direction", to > from ? "up" : to < from ? "down" : "none").increment();
    log.info("{}/{} {} {} -> {}: {}", target.namespace(), target.deployment(), target.describe(), from, to, reason);
    cause.context().emit(new WorkersScaled(target.deployment(), target.namespace(), from, to, truncate(reason)));
    return true;
  }

  private void failed(String namespace, String deployment, ScalingFailure failure, Cause cause) {
    // every repeated backlog event would fail alike: the automatic policy tells a failure once per quiet period
    if (SERVICE.equals(cause.actor()) && !state.firstFailureWithin(key(namespace, deployment), failure.code(),
        properties.failureQuietPeriod())) {
      log.debug("{}/{} still cannot be scaled: {}", namespace, deployment, failure.reason());
      return;
    }
    Map<String, Object> details = details(namespace, deployment, cause);
    details.put("failure", failure.reason());
    audit.record(null, "scaling_failed", cause.actor(), details);
    meters.counter("photobomb.scaling.failures", "deployment", deployment, "reason", failure.code()).increment();
    log.warn("{}/{} could not be scaled ({}): {}", namespace, deployment, cause.trigger(), failure.reason());
    cause.context().emit(new ScalingFailed(deployment, namespace, truncate(failure.reason())));
  }

  private static Map<String, Object> details(String namespace, String deployment, Cause cause) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("namespace", namespace);
    details.put("deployment", deployment);
    details.put("cause", cause.trigger());
    details.put("message_id", cause.context().envelope().id());
    return details;
  }

  static String key(String namespace, String deployment) {
    return namespace + "/" + deployment;
  }

  private static String truncate(String reason) {
    return reason.length() <= 1000 ? reason : reason.substring(0, 999) + "…";
  }

  /** A deployment's replicas (or raised HPA minimum) now, and the most the Kubernetes side allows (an HPA's max). */
  private record Replicas(int current, int ceiling) {
  }

  /** Who or what caused a change (an operator, or this service for an event), said in one phrase. */
  private record Cause(String actor, String trigger, HandlingContext context) {
  }
}
