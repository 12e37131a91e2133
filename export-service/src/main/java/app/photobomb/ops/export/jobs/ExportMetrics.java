package app.photobomb.ops.export.jobs;

import app.photobomb.ops.common.metrics.DatabaseGauge;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What an on-call engineer watches of exports: exports queued, running (here and everywhere), completed and
 * failed, photos and bytes exported, and how long an export takes.
 */
@Component
public class ExportMetrics {

  private final AtomicInteger running = new AtomicInteger();
  private final Counter completed;
  private final Counter failed;
  private final Counter photos;
  private final Counter photoBytes;
  private final Counter archiveBytes;
  private final Timer duration;

  public ExportMetrics(MeterRegistry registry, JdbcTemplate jdbc) {
    DatabaseGauge.register(registry, jdbc, "photobomb.export.queued", "Exports waiting for a worker",
        "SELECT count(*) FROM exports WHERE status = 'queued'");
    DatabaseGauge.register(registry, jdbc, "photobomb.export.running.all", "Exports being built by any instance",
        "SELECT count(*) FROM exports WHERE status = 'running'");
    DatabaseGauge.register(registry, jdbc, "photobomb.export.oldest_queued_seconds",
        "Age of the oldest export not yet finished (alert when it grows)",
        "SELECT coalesce(extract(epoch FROM now() - min(requested_at)), 0) FROM exports "
            + "WHERE status IN ('queued', 'running')");
    DatabaseGauge.register(registry, jdbc, "photobomb.export.completed.all",
        "Exports completed (refusals and failures of every instance are in failed.all)",
        "SELECT count(*) FROM exports WHERE status IN ('completed', 'removed')");
    DatabaseGauge.register(registry, jdbc, "photobomb.export.failed.all", "Exports that ended failed or refused",
        "SELECT count(*) FROM exports WHERE status = 'failed'");
    registry.gauge("photobomb.export.running", running);
    completed = Counter.builder("photobomb.export.exports").tag("outcome", "completed")
        .description("Exports finished by this instance").register(registry);
    failed = Counter.builder("photobomb.export.exports").tag("outcome", "failed")
        .description("Exports failed by this instance").register(registry);
    photos = Counter.builder("photobomb.export.photos").description("Photos written into archives")
        .register(registry);
    photoBytes = Counter.builder("photobomb.export.photo.bytes").baseUnit("bytes")
        .description("Bytes of originals written into archives").register(registry);
    archiveBytes = Counter.builder("photobomb.export.archive.bytes").baseUnit("bytes")
        .description("Bytes of completed archives").register(registry);
    duration = Timer.builder("photobomb.export.duration").description("Time to build and store an archive")
        .register(registry);
  }

  void started() {
    running.incrementAndGet();
  }

  void ended() {
    running.decrementAndGet();
  }

  void photoWritten(long bytes) {
    photos.increment();
    photoBytes.increment(bytes);
  }

  void completed(long bytes, long nanos) {
    completed.increment();
    archiveBytes.increment(bytes);
    duration.record(nanos, TimeUnit.NANOSECONDS);
  }

  void failed() {
    failed.increment();
  }
}
