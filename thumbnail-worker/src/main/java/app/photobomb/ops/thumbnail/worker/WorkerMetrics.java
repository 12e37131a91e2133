package app.photobomb.ops.thumbnail.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The worker's meters: {@code photobomb.worker.jobs} (counter by type and outcome: done, skipped, retried, failed,
 * lost), {@code photobomb.worker.job.duration} (timer by type and outcome, from claim to finish) and
 * {@code photobomb.worker.items} (queue items that were no job for it: duplicate, foreign, malformed).
 */
public final class WorkerMetrics {

  private final MeterRegistry registry;

  public WorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void job(String type, String outcome, Duration took) {
    Counter.builder("photobomb.worker.jobs").description("jobs finished by this worker")
        .tag("type", type).tag("outcome", outcome).register(registry).increment();
    Timer.builder("photobomb.worker.job.duration").description("time from claim to finish of a job")
        .tag("type", type).tag("outcome", outcome).register(registry).record(took);
  }

  void item(String outcome) {
    Counter.builder("photobomb.worker.items").description("queue items that were no job for this worker")
        .tag("outcome", outcome).register(registry).increment();
  }
}
