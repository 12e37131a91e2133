package app.photobomb.ops.reprocess.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of reprocessing batches ({@code photobomb.reprocess.*}).
 *
 * @param queues {@code jobType=queue} pairs: the Redis list each job type's items go to. The service's own types
 *     ({@code reprocess_thumbnails}, {@code migrate_storage}) default to {@code batch_processing_queue}; any other
 *     type named here is queued for other workers
 * @param pageSize photos selected, jobs inserted and items pushed per statement
 * @param maxIds most photoIds or userIds one command may name
 * @param defaultPriority priority of jobs whose command gives none (the runbook's 10)
 * @param enqueueInterval how often batches still to enqueue are looked for
 * @param claimLease how long a replica's enqueuer holds a batch without renewing it; another replica takes over
 *     after that
 * @param reaperInterval how often expired leases and dead workers' processing lists are looked for
 * @param reportInterval how often finished jobs are turned into batch counts and events
 * @param reportBatch finished jobs claimed per reporting transaction
 * @param progressInterval how often a batch that moved emits reprocess-batch-progressed
 * @param interactiveQueue where a job with no queue of its own (the photobomb API's) goes back when reaped
 */
@ConfigurationProperties("photobomb.reprocess")
public record ReprocessProperties(
    @DefaultValue({"reprocess_thumbnails=batch_processing_queue", "migrate_storage=batch_processing_queue"})
    List<String> queues,
    @DefaultValue("5000") int pageSize,
    @DefaultValue("10000") int maxIds,
    @DefaultValue("10") int defaultPriority,
    @DefaultValue("1s") Duration enqueueInterval,
    @DefaultValue("2m") Duration claimLease,
    @DefaultValue("30s") Duration reaperInterval,
    @DefaultValue("1s") Duration reportInterval,
    @DefaultValue("1000") int reportBatch,
    @DefaultValue("5s") Duration progressInterval,
    @DefaultValue("high_priority_queue") String interactiveQueue) {

  public static final String REPROCESS_THUMBNAILS = "reprocess_thumbnails";
  public static final String MIGRATE_STORAGE = "migrate_storage";
  private static final String BATCH_QUEUE = "batch_processing_queue";
  // Queue names become Redis keys and metric tags; job types become idempotency keys.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

  public ReprocessProperties {
    if (pageSize < 1 || pageSize > 50_000) {
      throw new IllegalArgumentException("photobomb.reprocess.page-size is 1 to 50000: " + pageSize);
    }
    queues = List.copyOf(queues);
    queueByJobType(queues);
  }

  /** Job type to queue: the service's own types first, then the configured pairs (which may move them). */
  public Map<String, String> queueByJobType() {
    return queueByJobType(queues);
  }

  private static Map<String, String> queueByJobType(List<String> pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    map.put(REPROCESS_THUMBNAILS, BATCH_QUEUE);
    map.put(MIGRATE_STORAGE, BATCH_QUEUE);
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      String jobType = eq < 0 ? "" : pair.substring(0, eq).trim();
      String queue = eq < 0 ? "" : pair.substring(eq + 1).trim();
      if (!NAME.matcher(jobType).matches() || !NAME.matcher(queue).matches()) {
        throw new IllegalArgumentException("photobomb.reprocess.queues holds jobType=queue pairs of letters, digits, "
            + "'_', '.' and '-': " + pair);
      }
      map.put(jobType, queue);
    }
    return Map.copyOf(map);
  }
}
