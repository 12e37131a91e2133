package app.photobomb.ops.thumbnail.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the worker ({@code photobomb.worker.*}, e.g. {@code PHOTOBOMB_WORKER_CONCURRENCY=2}).
 *
 * @param queues the Redis lists it takes jobs from, highest priority first
 * @param lease how long a claimed job stays this worker's without an extension; extended every third of it
 * @param concurrency jobs in hand at once, each under its own worker id ({@code <id>-<n>})
 * @param pollTimeout the longest BLMOVE wait on the first queue when every queue is empty
 * @param id this process's worker id; default the host name and a random suffix
 * @param thumbnailsBucket the bucket of {@code thumbs/<photoId>/<size>.webp}, in the store of the photo's original
 * @param migrationTarget where migrate_storage moves photos: {@code r2} (photobomb.storage.r2.*) or {@code none}
 * @param migrationSource the provider whose rows migrate_storage moves: {@code b2}
 * @param shutdownGrace how long a stop (SIGTERM) waits for the jobs in hand; a job still unfinished then is returned
 *     to its queue for another worker (keep the pod's terminationGracePeriodSeconds above it)
 */
@ConfigurationProperties("photobomb.worker")
public record WorkerProperties(
    @DefaultValue({"high_priority_queue", "batch_processing_queue"}) List<String> queues,
    @DefaultValue("60s") Duration lease,
    @DefaultValue("1") int concurrency,
    @DefaultValue("1s") Duration pollTimeout,
    String id,
    @DefaultValue("photobomb-thumbnails") String thumbnailsBucket,
    @DefaultValue("r2") String migrationTarget,
    @DefaultValue("b2") String migrationSource,
    @DefaultValue("30s") Duration shutdownGrace) {

  public WorkerProperties {
    queues = List.copyOf(queues);
    if (queues.isEmpty()) {
      throw new IllegalArgumentException("photobomb.worker.queues names at least one queue");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("photobomb.worker.concurrency is at least 1: " + concurrency);
    }
    if (lease.compareTo(Duration.ofSeconds(3)) < 0) {
      throw new IllegalArgumentException("photobomb.worker.lease is at least 3s: " + lease);
    }
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("photobomb.worker.shutdown-grace is not negative: " + shutdownGrace);
    }
    if (!List.of("r2", "none").contains(migrationTarget)) {
      throw new IllegalArgumentException("photobomb.worker.migration-target is r2 or none: " + migrationTarget);
    }
  }
}
