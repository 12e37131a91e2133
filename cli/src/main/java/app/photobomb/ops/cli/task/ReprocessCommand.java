package app.photobomb.ops.cli.task;

import static app.photobomb.ops.common.events.MessageCatalog.REPROCESS_BATCH;
import static app.photobomb.ops.common.events.MessageCatalog.REPROCESS_BATCH_ACCEPTED;
import static app.photobomb.ops.common.events.MessageCatalog.REPROCESS_BATCH_CANCELLED;
import static app.photobomb.ops.common.events.MessageCatalog.REPROCESS_BATCH_COMPLETED;
import static app.photobomb.ops.common.events.MessageCatalog.REPROCESS_BATCH_FAILED;
import static app.photobomb.ops.common.events.MessageCatalog.REPROCESS_BATCH_PROGRESSED;

import app.photobomb.ops.cli.Connection;
import app.photobomb.ops.cli.ExitCode;
import app.photobomb.ops.cli.follow.Answer;
import app.photobomb.ops.cli.follow.FollowOptions;
import app.photobomb.ops.cli.follow.Reply;
import app.photobomb.ops.cli.follow.Request;
import app.photobomb.ops.cli.follow.WaitDefaults;
import app.photobomb.ops.common.events.ReprocessBatch;
import app.photobomb.ops.common.events.ReprocessBatchCancelled;
import app.photobomb.ops.common.events.ReprocessBatchCompleted;
import app.photobomb.ops.common.events.ReprocessBatchProgressed;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code reprocess --type TYPE [filters]} or {@code reprocess --cancel BATCH_ID}: runbook task 10. */
@Command(name = "reprocess", mixinStandardHelpOptions = true, defaultValueProvider = WaitDefaults.class,
    description = {
        "Reprocesses photos (storage migration or thumbnail quality): runbook task 10, steps 1 and 3, which this",
        "replaces:",
        "  INSERT INTO processing_jobs (upload_id, job_type, priority) SELECT upload_id, 'reprocess_thumbnails', 10",
        "  FROM photos WHERE processed_at < '2024-01-01' ON CONFLICT (idempotency_key) DO NOTHING;",
        "  watch -n 5 \"redis-cli -h $REDIS_HOST LLEN batch_processing_queue\"",
        "Publishes ReprocessBatch (a fresh batch id, printed); the reprocess-service queues one job per photo and",
        "reports the jobs' outcomes; the scaling-service scales the workers (steps 2 and 4). Progress: jobs ended.",
        "--cancel BATCH_ID publishes ReprocessBatchCancelled: queued jobs are cancelled, running ones finish."},
    footer = {"", "Ends on reprocess-batch-completed (exit 0, also when some jobs failed: the counts say so) or",
        "reprocess-batch-failed (exit 1: unknown type, no filter, unknown batch). --cancel follows the batch itself",
        "to its reprocess-batch-completed (whatever its correlation id), or a batch that ended before."})
public final class ReprocessCommand implements Callable<Integer> {

  /** The job types of the runbook, as the reprocess-service and the thumbnail-worker name them. */
  enum JobType {
    reprocess_thumbnails, migrate_storage
  }

  @Mixin
  Connection connection;

  @Mixin
  FollowOptions follow;

  @ArgGroup(exclusive = true, multiplicity = "1")
  What what;

  static final class What {

    @ArgGroup(exclusive = false)
    Batch batch;

    @Option(names = "--cancel", paramLabel = "BATCH_ID", required = true, description = "stop a running batch")
    UUID cancel;
  }

  static final class Batch {

    @Option(names = "--type", required = true, paramLabel = "TYPE",
        description = "the job type: ${COMPLETION-CANDIDATES}")
    JobType type;

    @Option(names = "--processed-before", paramLabel = "DATE", converter = InstantConverter.class,
        description = "photos last processed before this date (2024-01-01, midnight UTC) or instant")
    Instant processedBefore;

    @Option(names = "--user", paramLabel = "ID", split = ",", arity = "1..*",
        description = "the photos of these users")
    List<UUID> users;

    @Option(names = "--photo", paramLabel = "ID", split = ",", arity = "1..*", description = "these photos")
    List<UUID> photos;

    @Option(names = "--priority", paramLabel = "0-100", description = "queue priority (default: the service's)")
    Integer priority;
  }

  @Option(names = "--reason", paramLabel = "TEXT", description = "with --cancel: why (audited)")
  String reason;

  @Override
  public Integer call() {
    if (what.cancel != null) {
      return follow.publish(connection, Request.of(REPROCESS_BATCH_CANCELLED,
          new ReprocessBatchCancelled(what.cancel, follow.requestedBy(), reason),
          Reply.on(REPROCESS_BATCH_FAILED, f -> Answer.failed("not cancelled: " + f.reason())),
          Reply.byKey(REPROCESS_BATCH_PROGRESSED, ReprocessCommand::progressed),
          Reply.byKey(REPROCESS_BATCH_COMPLETED, ReprocessCommand::completed)));
    }
    Batch batch = what.batch;
    if (batch.processedBefore == null && batch.users == null && batch.photos == null) {
      throw new ExitCode.BadInputException("name the photos: --processed-before DATE, --user ID or --photo ID");
    }
    if (reason != null) {
      throw new ExitCode.BadInputException("--reason goes with --cancel");
    }
    UUID batchId = UUID.randomUUID();
    return follow.publish(connection, Request.of(REPROCESS_BATCH,
        new ReprocessBatch(batchId, batch.type.name(), batch.processedBefore, batch.users, batch.photos,
            batch.priority, follow.requestedBy()),
        Reply.on(REPROCESS_BATCH_ACCEPTED, a -> Answer.working("batch " + a.batchId() + " accepted: " + a.jobCount()
            + " jobs queued (reprocess --cancel " + a.batchId() + " stops it)", 0, a.jobCount(), "jobs")),
        Reply.on(REPROCESS_BATCH_PROGRESSED, ReprocessCommand::progressed),
        Reply.on(REPROCESS_BATCH_COMPLETED, ReprocessCommand::completed),
        Reply.on(REPROCESS_BATCH_FAILED, f -> Answer.failed("batch " + f.batchId() + " failed: " + f.reason()))));
  }

  private static Answer progressed(ReprocessBatchProgressed p) {
    String rate = p.ratePerSecond() == null ? "" : String.format(", %.1f jobs/s", p.ratePerSecond());
    String eta = p.etaSeconds() == null ? "" : ", about " + p.etaSeconds() + " s left";
    return Answer.working(p.done() + " done, " + p.failed() + " failed of " + p.total() + rate + eta,
        p.done() + p.failed(), p.total(), "jobs");
  }

  private static Answer completed(ReprocessBatchCompleted c) {
    return Answer.completed("batch " + c.batchId() + " completed: " + c.done() + " done, " + c.failed() + " failed"
        + (c.cancelled() == null || c.cancelled() == 0 ? "" : ", " + c.cancelled() + " cancelled"));
  }

  /** A day (midnight UTC), as the runbook's {@code processed_at < '2024-01-01'}, or an instant. */
  static final class InstantConverter implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
      try {
        return value.contains("T") ? Instant.parse(value) : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC)
            .toInstant();
      } catch (DateTimeParseException e) {
        throw new TypeConversionException("'" + value + "' is neither a date (2024-01-01) nor an instant "
            + "(2024-01-01T00:00:00Z)");
      }
    }
  }
}
