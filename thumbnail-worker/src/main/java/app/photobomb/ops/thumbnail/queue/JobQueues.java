package app.photobomb.ops.thumbnail.queue;

import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.connection.RedisListCommands.Direction;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The Redis side of the worker contract (reprocess-service/README.md) for one worker id: takes the next item from
 * the first non-empty queue into {@code <queue>:processing:<worker>}, and removes it or moves it back. A worker id
 * has at most one item in hand, so its processing list of a queue holds at most that item.
 */
public final class JobQueues {

  private final StringRedisTemplate redis;
  private final List<String> queues;
  private final String worker;
  private final Duration pollTimeout;

  public JobQueues(StringRedisTemplate redis, List<String> queues, String worker, Duration pollTimeout) {
    this.redis = redis;
    this.queues = List.copyOf(queues);
    this.worker = worker;
    this.pollTimeout = pollTimeout;
  }

  public static String processingList(String queue, String worker) {
    return queue + ":processing:" + worker;
  }

  public static String workerKey(String worker) {
    return "worker:" + worker;
  }

  /**
   * The head of the first non-empty queue, in priority order, moved to this worker's processing list; when all are
   * empty, waits up to the poll timeout on the first. Empty when nothing came.
   */
  public QueueItem take() {
    for (String queue : queues) {
      String value = redis.opsForList().move(queue, Direction.LEFT, processingList(queue, worker), Direction.RIGHT);
      if (value != null) {
        return new QueueItem(queue, value);
      }
    }
    String first = queues.get(0);
    String value = redis.opsForList().move(first, Direction.LEFT, processingList(first, worker), Direction.RIGHT,
        pollTimeout);
    return value == null ? null : new QueueItem(first, value);
  }

  /** Drops the item from the processing list: its job finished, or it was a duplicate. */
  public void remove(QueueItem item) {
    redis.opsForList().remove(processingList(item.queue(), worker), 1, item.value());
  }

  /** Moves the item back to the tail of its queue, for another attempt or another worker. */
  public void requeue(QueueItem item) {
    String moved = redis.opsForList().move(processingList(item.queue(), worker), Direction.RIGHT, item.queue(),
        Direction.RIGHT);
    if (moved != null && !moved.equals(item.value())) {
      // not the item in hand (a leftover of an earlier failure): put it back too, then move the right one
      redis.opsForList().remove(processingList(item.queue(), worker), 1, item.value());
      redis.opsForList().rightPush(item.queue(), item.value());
    }
  }

  /**
   * Puts the item back at the head of its queue, where it was taken from, for another worker. Pushed before it leaves
   * the processing list, so a failure in between leaves a duplicate (dropped by the claim), never a lost item.
   */
  public void putBack(QueueItem item) {
    redis.opsForList().leftPush(item.queue(), item.value());
    redis.opsForList().remove(processingList(item.queue(), worker), 1, item.value());
  }

  /** Says that this worker is alive for {@code ttl}, so that the reaper leaves its processing lists alone. */
  public void heartbeat(Duration ttl) {
    redis.opsForValue().set(workerKey(worker), "alive", ttl);
  }

  /** Withdraws the heartbeat of a worker that stopped with nothing in hand. */
  public void retire() {
    redis.delete(workerKey(worker));
  }

  public String worker() {
    return worker;
  }
}
