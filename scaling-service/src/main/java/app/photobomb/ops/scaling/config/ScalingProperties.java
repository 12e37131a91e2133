package app.photobomb.ops.scaling.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the scaling-service ({@code photobomb.scaling.*}); the policies' defaults (the runbook's) are in
 * scaling-service.yml; a list binds whole from one source, so an override gives every entry (see the yml).
 *
 * @param policies one per queue: its thresholds and the deployment its depth scales
 * @param stabilizationWindow how long a lower replica count must be all that the depths ask for before scaling down
 * @param scaleDownStep most replicas one scale-down removes
 * @param scaleDownPeriod least time between two scale-downs of one deployment
 * @param manualHold how long a scale-workers-requested wins over the automatic policy
 * @param manualMaxReplicas most replicas a manual request may set on a deployment no policy names
 * @param monitorInterval how often the monitor reads each queue's depth
 * @param repeatInterval how often the monitor repeats a queue's state while it lasts
 * @param growthWindow the span of recent depths the monitor's growth rate is taken over
 * @param unresolvedAfter how long a queue must keep growing at its deployment's maximum before it is told unresolved
 * @param unresolvedRepeat least time between two queue-backlog-unresolved warnings of one queue
 * @param failureQuietPeriod how long the automatic policy stays quiet after telling a deployment's failure (a
 *     manual request is always answered)
 * @param monitorLockKey the PostgreSQL advisory lock key that elects the one active monitor
 * @param kubernetes how the Kubernetes API is reached
 */
@ConfigurationProperties("photobomb.scaling")
public record ScalingProperties(
    List<QueuePolicy> policies,
    @DefaultValue("300s") Duration stabilizationWindow,
    @DefaultValue("5") int scaleDownStep,
    @DefaultValue("60s") Duration scaleDownPeriod,
    @DefaultValue("30m") Duration manualHold,
    @DefaultValue("50") int manualMaxReplicas,
    @DefaultValue("1s") Duration monitorInterval,
    @DefaultValue("5s") Duration repeatInterval,
    @DefaultValue("10s") Duration growthWindow,
    @DefaultValue("60s") Duration unresolvedAfter,
    @DefaultValue("5m") Duration unresolvedRepeat,
    @DefaultValue("1m") Duration failureQuietPeriod,
    @DefaultValue("7312001") long monitorLockKey,
    @DefaultValue Kubernetes kubernetes) {

  public ScalingProperties {
    policies = policies == null ? List.of() : List.copyOf(policies);
    Set<String> queues = new HashSet<>();
    for (QueuePolicy policy : policies) {
      if (!queues.add(policy.queue())) {
        throw new IllegalArgumentException("photobomb.scaling.policies names queue " + policy.queue() + " twice");
      }
    }
    if (scaleDownStep < 1) {
      throw new IllegalArgumentException("photobomb.scaling.scale-down-step is at least 1: " + scaleDownStep);
    }
  }

  public Optional<QueuePolicy> policy(String queue) {
    return policies.stream().filter(p -> p.queue().equals(queue)).findFirst();
  }

  /** The policies that scale the deployment. */
  public List<QueuePolicy> policiesOf(String namespace, String deployment) {
    return policies.stream().filter(p -> p.namespace().equals(namespace) && p.deployment().equals(deployment))
        .toList();
  }

  /** The most replicas any policy allows the deployment (a manual request is clamped to it). */
  public int maxReplicasOf(String namespace, String deployment) {
    return policiesOf(namespace, deployment).stream().mapToInt(QueuePolicy::maxReplicas).max()
        .orElse(manualMaxReplicas);
  }

  /**
   * How a queue's depth scales a deployment.
   *
   * @param queue the Redis list
   * @param threshold depth above which the queue is backlogged
   * @param clearThreshold depth below which a backlogged queue is clear again (hysteresis)
   * @param jobsPerReplica queued jobs one replica is given
   * @param monitored whether this service's monitor reads the queue; false: another system publishes its backlog
   *     events (e.g. a queue in another Redis)
   */
  public record QueuePolicy(String queue, @DefaultValue("thumbnail-worker") String deployment,
      @DefaultValue("photobomb") String namespace, @DefaultValue("3") int minReplicas,
      @DefaultValue("20") int maxReplicas, @DefaultValue("50") int jobsPerReplica,
      @DefaultValue("100") long threshold, @DefaultValue("20") long clearThreshold,
      @DefaultValue("true") boolean monitored) {

    public QueuePolicy {
      if (queue == null || queue.isBlank()) {
        throw new IllegalArgumentException("every photobomb.scaling.policies entry names its queue");
      }
      if (minReplicas < 0 || maxReplicas < minReplicas || jobsPerReplica < 1 || clearThreshold > threshold) {
        throw new IllegalArgumentException("policy of " + queue + ": 0 <= min-replicas <= max-replicas, "
            + "jobs-per-replica >= 1 and clear-threshold <= threshold");
      }
    }

    /** clamp(ceil(depth / jobs per replica), min, max). */
    public int desiredReplicas(long depth) {
      long wanted = (Math.max(0, depth) + jobsPerReplica - 1) / jobsPerReplica;
      return (int) Math.max(minReplicas, Math.min(maxReplicas, wanted));
    }
  }

  /**
   * The Kubernetes API.
   *
   * @param masterUrl the API server; blank: Fabric8's own discovery (in-cluster service account, kubeconfig)
   * @param retries retries of a call that failed with a 5xx or no answer, with exponential backoff
   * @param retryBackoff the first backoff
   * @param requestTimeout how long one call may take
   */
  public record Kubernetes(@DefaultValue("") String masterUrl, @DefaultValue("3") int retries,
      @DefaultValue("200ms") Duration retryBackoff, @DefaultValue("5s") Duration requestTimeout) {
  }
}
