package app.photobomb.ops.scaling.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * What the scaler remembers between events, in Redis so that every replica of the service decides alike: each
 * queue's latest observed depth, each deployment's recent recommendations (the stabilization window), its last
 * scale-down, and a manual hold that expires by itself.
 */
@Component
public class ScalingState {

  private static final String PREFIX = "photobomb:scaling:";

  private final StringRedisTemplate redis;

  public ScalingState(StringRedisTemplate redis) {
    this.redis = redis;
  }

  /** Keeps the depth unless a later observation is kept already (a redelivered old event changes nothing). */
  public void observe(String queue, long depth, Instant observedAt) {
    String key = PREFIX + "depth:" + queue;
    String previous = redis.opsForValue().get(key);
    if (previous != null && Long.parseLong(previous.substring(0, previous.indexOf(':'))) > observedAt.toEpochMilli()) {
      return;
    }
    redis.opsForValue().set(key, observedAt.toEpochMilli() + ":" + depth);
  }

  public OptionalLong depth(String queue) {
    String value = redis.opsForValue().get(PREFIX + "depth:" + queue);
    return value == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value.substring(value.indexOf(':') + 1)));
  }

  /** Records the replicas the depths ask for now, and forgets those older than the window. */
  public void recommend(String deployment, int replicas, Instant now, Duration window) {
    String key = PREFIX + "recommendations:" + deployment;
    redis.opsForZSet().add(key, now.toEpochMilli() + ":" + replicas, now.toEpochMilli());
    redis.opsForZSet().removeRangeByScore(key, Double.NEGATIVE_INFINITY, now.minus(window).toEpochMilli() - 1);
    redis.opsForValue().setIfAbsent(PREFIX + "since:" + deployment, Long.toString(now.toEpochMilli()));
  }

  /** The most replicas recommended within the window: what a scale-down may go down to at most. */
  public int highestRecommendation(String deployment) {
    Set<String> members = redis.opsForZSet().range(PREFIX + "recommendations:" + deployment, 0, -1);
    return members == null ? Integer.MAX_VALUE : members.stream()
        .mapToInt(m -> Integer.parseInt(m.substring(m.indexOf(':') + 1))).max().orElse(Integer.MAX_VALUE);
  }

  /** Since when recommendations are kept for the deployment (a full window must be seen before a scale-down). */
  public Optional<Instant> recommendingSince(String deployment) {
    String value = redis.opsForValue().get(PREFIX + "since:" + deployment);
    return Optional.ofNullable(value).map(v -> Instant.ofEpochMilli(Long.parseLong(v)));
  }

  public Optional<Instant> lastScaleDown(String deployment) {
    String value = redis.opsForValue().get(PREFIX + "scaled-down:" + deployment);
    return Optional.ofNullable(value).map(v -> Instant.ofEpochMilli(Long.parseLong(v)));
  }

  public void scaledDown(String deployment, Instant at) {
    redis.opsForValue().set(PREFIX + "scaled-down:" + deployment, Long.toString(at.toEpochMilli()));
  }

  /** Whether this failure of the deployment is new within {@code quiet} (then it is remembered for that long). */
  public boolean firstFailureWithin(String deployment, String code, Duration quiet) {
    return firstWithin("failed:" + deployment + ":" + code, quiet);
  }

  /** Whether the queue's unresolved backlog was not told within {@code quiet} (then it is told now). */
  public boolean firstUnresolvedWithin(String queue, Duration quiet) {
    return firstWithin("unresolved:" + queue, quiet);
  }

  /** Since when the queue has been growing with its deployment at the maximum; {@code at} if it starts now. */
  public Instant growingAtMaxSince(String queue, Instant at) {
    String key = PREFIX + "growing-at-max:" + queue;
    redis.opsForValue().setIfAbsent(key, Long.toString(at.toEpochMilli()));
    String since = redis.opsForValue().get(key);
    return since == null ? at : Instant.ofEpochMilli(Long.parseLong(since));
  }

  /** Since when the queue has been growing at its deployment's maximum, if it is (read only, for the metrics). */
  public Optional<Instant> growingAtMax(String queue) {
    String since = redis.opsForValue().get(PREFIX + "growing-at-max:" + queue);
    return Optional.ofNullable(since).map(v -> Instant.ofEpochMilli(Long.parseLong(v)));
  }

  /** Keeps the replicas (or the HPA's minReplicas) last read or set of a deployment, for the metrics. */
  public void replicasSeen(String deployment, int replicas) {
    redis.opsForValue().set(PREFIX + "replicas:" + deployment, Integer.toString(replicas));
  }

  public OptionalInt replicas(String deployment) {
    String value = redis.opsForValue().get(PREFIX + "replicas:" + deployment);
    return value == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(value));
  }

  /** The queue stopped growing, or its deployment may have more replicas. */
  public void notGrowingAtMax(String queue) {
    redis.delete(PREFIX + "growing-at-max:" + queue);
  }

  private boolean firstWithin(String subject, Duration quiet) {
    return Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(PREFIX + subject, "told", quiet.toMillis(),
        TimeUnit.MILLISECONDS));
  }

  /** A manual scale wins over the automatic policy until the hold expires. */
  public void hold(String deployment, Duration hold) {
    redis.opsForValue().set(PREFIX + "hold:" + deployment, "manual", hold.toMillis(), TimeUnit.MILLISECONDS);
  }

  public Optional<Duration> holdRemaining(String deployment) {
    Long millis = redis.getExpire(PREFIX + "hold:" + deployment, TimeUnit.MILLISECONDS);
    return millis == null || millis <= 0 ? Optional.empty() : Optional.of(Duration.ofMillis(millis));
  }
}
