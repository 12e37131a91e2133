package app.photobomb.ops.scaling.monitor;

import app.photobomb.ops.common.events.PhotobombMessage;
import app.photobomb.ops.common.events.QueueBacklogCleared;
import app.photobomb.ops.common.events.QueueBacklogDetected;
import app.photobomb.ops.common.messaging.Outbox;
import app.photobomb.ops.scaling.config.ScalingProperties;
import app.photobomb.ops.scaling.config.ScalingProperties.QueuePolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads each configured queue's depth (LLEN) and head item (LINDEX 0, for its age) and tells a backlog, with the
 * depth's growth rate over the recent window: detected above the queue's threshold, cleared
 * below its lower clear threshold (between the two the state stays). It emits on a change of state, when a backlog
 * asks for more replicas than at its last event, and otherwise repeats the state every repeat interval, never more.
 * Only the replica that holds the monitor lock reads.
 */
@Component
public class BacklogMonitor {

  private final ScalingProperties properties;
  private final StringRedisTemplate redis;
  private final MonitorLeadership leadership;
  private final Outbox outbox;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final Map<String, Told> told = new HashMap<>();
  private final Map<String, QueueTrend> trends = new HashMap<>();

  public BacklogMonitor(ScalingProperties properties, StringRedisTemplate redis, MonitorLeadership leadership,
      Outbox outbox, TransactionTemplate transactions, Clock clock) {
    this.properties = properties;
    this.redis = redis;
    this.leadership = leadership;
    this.outbox = outbox;
    this.transactions = transactions;
    this.clock = clock;
  }

  public synchronized void runOnce() {
    if (!leadership.holds()) {
      told.clear();
      trends.clear();
      return;
    }
    for (QueuePolicy policy : properties.policies()) {
      if (!policy.monitored()) {
        continue;
      }
      Long size = redis.opsForList().size(policy.queue());
      long depth = size == null ? 0 : size;
      Instant now = clock.instant();
      QueueTrend trend = trends.computeIfAbsent(policy.queue(), q -> new QueueTrend(properties.growthWindow()));
      trend.sample(depth, depth == 0 ? null : redis.opsForList().index(policy.queue(), 0), now);
      observe(policy, depth, trend, now);
    }
  }

  private void observe(QueuePolicy policy, long depth, QueueTrend trend, Instant now) {
    Told last = told.get(policy.queue());
    Boolean backlogged = depth > policy.threshold() ? Boolean.TRUE
        : depth < policy.clearThreshold() ? Boolean.FALSE : last == null ? null : last.backlogged();
    if (backlogged == null) {
      return;
    }
    int replicas = policy.desiredReplicas(depth);
    boolean due = last == null || last.backlogged() != backlogged
        || (backlogged && replicas > last.replicas())
        || !last.at().plus(properties.repeatInterval()).isAfter(now);
    if (!due) {
      return;
    }
    PhotobombMessage event = backlogged ? new QueueBacklogDetected(policy.queue(), depth, policy.threshold(), now,
        trend.growthPerSecond(), trend.oldestItemAgeSeconds(now)) : new QueueBacklogCleared(policy.queue(), depth, now);
    transactions.executeWithoutResult(status -> outbox.emit(event, null));
    told.put(policy.queue(), new Told(backlogged, replicas, now));
  }

  /** The last event told of a queue. */
  private record Told(boolean backlogged, int replicas, Instant at) {
  }
}
