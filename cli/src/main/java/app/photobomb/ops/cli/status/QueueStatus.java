package app.photobomb.ops.cli.status;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The job queues' depths: the Redis lists the reprocess-service pushes to and the scaling-service watches (LLEN),
 * and the jobs the workers hold in their {@code <queue>:processing:<worker>} lists.
 */
final class QueueStatus {

  private static final String PROCESSING = ":processing:";

  private final String redisUrl;
  private final List<String> queues;
  private final Duration timeout;

  QueueStatus(String redisUrl, List<String> queues, Duration timeout) {
    this.redisUrl = redisUrl;
    this.queues = queues;
    this.timeout = timeout;
  }

  List<StatusRow> rows() {
    if (redisUrl == null) {
      return List.of(StatusRow.ok("queue", "redis", "NOT CHECKED", "no URL: set --redis-url or PHOTOBOMB_REDIS_URL"));
    }
    RedisURI uri = RedisURI.create(redisUrl);
    uri.setTimeout(timeout);
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      List<StatusRow> rows = new ArrayList<>();
      for (String queue : queues) {
        long processing = 0;
        for (String list : redis.keys(queue + PROCESSING + "*")) {
          processing += redis.llen(list);
        }
        rows.add(StatusRow.ok("queue", queue, Long.toString(redis.llen(queue)), processing + " being processed"));
      }
      return rows;
    } catch (Exception e) {
      return List.of(StatusRow.unreachable("queue", "redis", e));
    } finally {
      client.shutdown(Duration.ZERO, timeout);
    }
  }
}
