package app.photobomb.ops.reprocess.queue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * The Redis side of the worker contract (reprocess-service/README.md): queues of job ids, each worker's processing
 * list {@code <queue>:processing:<worker>} and its liveness key {@code worker:<worker>}.
 */
@Component
public class JobQueue {

  static final String PROCESSING = ":processing:";
  private static final int VALUES_PER_COMMAND = 1000;

  private final StringRedisTemplate redis;

  public JobQueue(StringRedisTemplate redis) {
    this.redis = redis;
  }

  /** RPUSHes the job ids in one round trip (pipelined commands of at most 1000 values each). */
  public void push(String queue, List<Long> jobIds) {
    if (jobIds.isEmpty()) {
      return;
    }
    push(Map.of(queue, jobIds));
  }

  /** RPUSHes each queue's ids, all in one round trip. */
  public void push(Map<String, List<Long>> jobIdsByQueue) {
    if (jobIdsByQueue.isEmpty()) {
      return;
    }
    redis.executePipelined((RedisCallback<Object>) connection -> {
      jobIdsByQueue.forEach((queue, ids) -> push(connection, queue, ids));
      return null;
    });
  }

  public long depth(String queue) {
    Long size = redis.opsForList().size(queue);
    return size == null ? 0 : size;
  }

  /** Every worker's processing list now, with its queue and worker id. */
  public List<ProcessingList> processingLists() {
    List<ProcessingList> lists = new ArrayList<>();
    try (Cursor<String> keys = redis.scan(ScanOptions.scanOptions().match("*" + PROCESSING + "*").count(1000)
        .build())) {
      keys.forEachRemaining(key -> {
        int at = key.lastIndexOf(PROCESSING);
        lists.add(new ProcessingList(key, key.substring(0, at), key.substring(at + PROCESSING.length())));
      });
    }
    return lists;
  }

  /** Whether the worker keeps its liveness key (it expires a lease after the worker stopped refreshing it). */
  public boolean isAlive(String worker) {
    return Boolean.TRUE.equals(redis.hasKey("worker:" + worker));
  }

  public List<String> items(ProcessingList list) {
    List<String> items = redis.opsForList().range(list.key(), 0, -1);
    return items == null ? List.of() : items;
  }

  /** Puts the items back on the list's queue first, then takes every given item off the processing list. */
  public void giveBack(ProcessingList list, List<String> back, List<String> drop) {
    redis.executePipelined((RedisCallback<Object>) connection -> {
      if (!back.isEmpty()) {
        connection.listCommands().rPush(bytes(list.queue()), back.stream().map(JobQueue::bytes).toArray(byte[][]::new));
      }
      return null;
    });
    redis.executePipelined((RedisCallback<Object>) connection -> {
      for (String item : back) {
        connection.listCommands().lRem(bytes(list.key()), 1, bytes(item));
      }
      for (String item : drop) {
        connection.listCommands().lRem(bytes(list.key()), 1, bytes(item));
      }
      return null;
    });
  }

  private static void push(RedisConnection connection, String queue, List<Long> ids) {
    for (int from = 0; from < ids.size(); from += VALUES_PER_COMMAND) {
      List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + VALUES_PER_COMMAND));
      connection.listCommands().rPush(bytes(queue), chunk.stream().map(id -> bytes(id.toString()))
          .toArray(byte[][]::new));
    }
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** A worker's processing list: its key, the queue its items came from, the worker. */
  public record ProcessingList(String key, String queue, String worker) {
  }
}
