package app.photobomb.ops.reprocess.jobs;

import app.photobomb.ops.common.metrics.DatabaseGauge;
import app.photobomb.ops.reprocess.domain.JobTypes;
import app.photobomb.ops.reprocess.queue.JobQueue;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What an on-call engineer watches of reprocessing, read at each scrape: jobs per status and queue (from the
 * database), each configured queue's depth (Redis LLEN), the age of the oldest queued job, batches still open.
 * Throughput is the photobomb.reprocess.jobs.reported counters (OutcomeReporter).
 */
@Component
class ReprocessMetrics {

  private static final List<String> STATUSES = List.of("queued", "running", "done", "failed", "cancelled");

  ReprocessMetrics(MeterRegistry registry, JdbcTemplate jdbc, JobQueue queue, JobTypes jobTypes) {
    for (String name : jobTypes.queues()) {
      for (String status : STATUSES) {
        Gauge.builder("photobomb.reprocess.jobs", jdbc, j -> count(j, status, name))
            .description("processing_jobs rows by status and queue").tag("status", status).tag("queue", name)
            .register(registry);
      }
      Gauge.builder("photobomb.reprocess.queue.depth", queue, q -> q.depth(name))
          .description("Items waiting on the Redis queue (LLEN)").tag("queue", name).register(registry);
    }
    DatabaseGauge.register(registry, jdbc, "photobomb.reprocess.oldest_queued_seconds",
        "Age of the oldest queued job (a growing value with idle workers means they are stuck or scaled down)",
        "SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM processing_jobs WHERE status = 'queued'");
    DatabaseGauge.register(registry, jdbc, "photobomb.reprocess.batches.open",
        "Batches enqueuing, enqueued or cancelled whose completion has not gone out",
        "SELECT count(*) FROM reprocess_batches WHERE completed_at IS NULL AND status <> 'failed'");
    DatabaseGauge.register(registry, jdbc, "photobomb.reprocess.jobs.lease_expired",
        "Running jobs whose lease expired and that the reaper has not moved yet",
        "SELECT count(*) FROM processing_jobs WHERE status = 'running' AND lease_until < now()");
  }

  private static double count(JdbcTemplate jdbc, String status, String queue) {
    Long count = jdbc.queryForObject("SELECT count(*) FROM processing_jobs WHERE status = ? AND queue = ?",
        Long.class, status, queue);
    return count == null ? 0 : count;
  }
}
