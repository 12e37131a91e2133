package app.photobomb.ops.reprocess.jobs;

import app.photobomb.ops.common.events.ReprocessBatchCompleted;
import app.photobomb.ops.common.events.ReprocessBatchProgressed;
import app.photobomb.ops.common.events.ThumbnailsRegenerated;
import app.photobomb.ops.common.messaging.Outbox;
import app.photobomb.ops.common.messaging.OutboxEvent;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.reprocess.config.ReprocessProperties;
import app.photobomb.ops.reprocess.domain.ReprocessBatches;
import app.photobomb.ops.reprocess.domain.ReprocessBatches.Completion;
import app.photobomb.ops.reprocess.domain.ReprocessBatches.Progress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Turns job outcomes into batch counts and events, whoever the worker is: each finished job is claimed once
 * ({@code reported_at}), counted in its batch and, for regenerated thumbnails, told as thumbnails-regenerated, in
 * one transaction with the outbox, so each outcome is told exactly once. A batch whose every job ended completes
 * exactly once; batches that moved tell their progress every progress interval.
 */
@Service
public class OutcomeReporter {

  private static final Logger log = LoggerFactory.getLogger(OutcomeReporter.class);
  private static final String REPROCESS_THUMBNAILS = ReprocessProperties.REPROCESS_THUMBNAILS;

  private final JdbcTemplate jdbc;
  private final ReprocessBatches batches;
  private final Outbox outbox;
  private final PayloadCodec codec;
  private final TransactionTemplate transactions;
  private final ReprocessProperties properties;
  private final Map<String, Counter> reported = new TreeMap<>();

  public OutcomeReporter(JdbcTemplate jdbc, ReprocessBatches batches, Outbox outbox, PayloadCodec codec,
      TransactionTemplate transactions, ReprocessProperties properties, MeterRegistry meters) {
    this.jdbc = jdbc;
    this.batches = batches;
    this.outbox = outbox;
    this.codec = codec;
    this.transactions = transactions;
    this.properties = properties;
    for (String outcome : List.of("done", "failed", "cancelled")) {
      reported.put(outcome, Counter.builder("photobomb.reprocess.jobs.reported").tag("outcome", outcome)
          .description("Finished jobs turned into batch counts and events (throughput)").register(meters));
    }
  }

  /** Reports finished jobs, a bounded claim per transaction, until none is left; then completes finished batches. */
  public void reportOnce() {
    int claimed;
    do {
      List<Outcome> outcomes = transactions.execute(status -> reportClaim());
      outcomes.forEach(outcome -> reported.get(outcome.status()).increment());
      claimed = outcomes.size();
    } while (claimed == properties.reportBatch() && !Thread.currentThread().isInterrupted());
    transactions.executeWithoutResult(status -> complete());
  }

  /** Tells the progress of every batch that moved since it last did, at most once per progress interval. */
  public void progressOnce() {
    transactions.executeWithoutResult(status -> {
      List<OutboxEvent> events = new ArrayList<>();
      for (Progress progress : batches.takeProgress(properties.progressInterval())) {
        double rate = progress.seconds() > 0 ? progress.endedSince() / progress.seconds() : 0;
        long open = Math.max(0, progress.total() - progress.done() - progress.failed() - progress.cancelled());
        Long eta = rate > 0 ? Math.round(open / rate) : null;
        double rounded = Math.round(rate * 100) / 100.0;
        events.add(outbox.toEvent(new ReprocessBatchProgressed(progress.batchId(), progress.done(), progress.failed(),
            progress.total(), rounded, open == 0 ? Long.valueOf(0) : eta), progress.correlationId(), null));
        log.info("batch {}: {} done, {} failed, {} cancelled of {}; {} jobs/s{}", progress.batchId(), progress.done(),
            progress.failed(), progress.cancelled(), progress.total(), rounded,
            eta == null ? "" : ", about " + eta + " s to go");
      }
      outbox.write(events);
    });
  }

  private List<Outcome> reportClaim() {
    List<Outcome> outcomes = jdbc.query("""
        WITH finished AS (
            SELECT job_id FROM processing_jobs
            WHERE reported_at IS NULL AND status IN ('done', 'failed', 'cancelled')
            ORDER BY job_id LIMIT ? FOR UPDATE SKIP LOCKED)
        UPDATE processing_jobs j SET reported_at = now()
        FROM finished WHERE j.job_id = finished.job_id
        RETURNING j.job_id, j.batch_id, j.job_type, j.status, j.photo_id, j.result::text AS result""",
        (row, n) -> new Outcome(row.getLong("job_id"), (UUID) row.getObject("batch_id"), row.getString("job_type"),
            row.getString("status"), (UUID) row.getObject("photo_id"), row.getString("result")),
        properties.reportBatch());
    Map<UUID, long[]> counts = new TreeMap<>();
    List<OutboxEvent> events = new ArrayList<>();
    for (Outcome outcome : outcomes) {
      if (outcome.batchId() != null) {
        long[] count = counts.computeIfAbsent(outcome.batchId(), id -> new long[3]);
        count[switch (outcome.status()) {
          case "done" -> 0;
          case "failed" -> 1;
          default -> 2;
        }]++;
      }
      List<Integer> sizes = regeneratedSizes(outcome);
      if (!sizes.isEmpty()) {
        events.add(outbox.toEvent(new ThumbnailsRegenerated(outcome.photoId(), sizes), null, null));
      }
    }
    // batch rows in id order, so that two replicas' reporters never wait on each other in a cycle
    counts.forEach((batchId, count) -> batches.count(batchId, count[0], count[1], count[2]));
    outbox.write(events);
    return outcomes;
  }

  private void complete() {
    List<OutboxEvent> events = new ArrayList<>();
    for (Completion done : batches.completeFinished()) {
      events.add(outbox.toEvent(new ReprocessBatchCompleted(done.batchId(), done.done(), done.failed(),
          done.cancelled()), done.correlationId(), null));
      log.info("batch {} ({} by {}) completed: {} done, {} failed, {} cancelled of {}", done.batchId(),
          done.jobType(), done.requestedBy(), done.done(), done.failed(), done.cancelled(), done.jobCount());
    }
    outbox.write(events);
  }

  /** The sizes a done reprocess_thumbnails job wrote, from its result ({"sizes": [256, 512, 1024]}). */
  private List<Integer> regeneratedSizes(Outcome outcome) {
    if (!"done".equals(outcome.status()) || !REPROCESS_THUMBNAILS.equals(outcome.jobType())
        || outcome.photoId() == null || outcome.result() == null) {
      return List.of();
    }
    JsonNode sizes = codec.readTree(outcome.result()).get("sizes");
    if (sizes == null || !sizes.isArray()) {
      return List.of();
    }
    List<Integer> list = new ArrayList<>();
    sizes.forEach(size -> list.add(size.asInt()));
    return list;
  }

  private record Outcome(long jobId, UUID batchId, String jobType, String status, UUID photoId, String result) {
  }
}
