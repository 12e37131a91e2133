package app.photobomb.ops.reprocess.domain;

import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.events.ReprocessBatch;
import app.photobomb.ops.common.events.ReprocessBatchCancelled;
import app.photobomb.ops.common.events.ReprocessBatchFailed;
import app.photobomb.ops.common.messaging.HandlingContext;
import app.photobomb.ops.reprocess.config.ReprocessProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The rules of asking for and cancelling a reprocessing batch (runbook task 10). A valid batch is only recorded
 * here; the enqueuer queues its jobs in pages, outside the handler. Runs inside the handler's transaction.
 */
@Service
public class ReprocessRequests {

  private static final Logger log = LoggerFactory.getLogger(ReprocessRequests.class);

  private final ReprocessBatches batches;
  private final JobTypes jobTypes;
  private final AuditLog audit;
  private final ReprocessProperties properties;

  public ReprocessRequests(ReprocessBatches batches, JobTypes jobTypes, AuditLog audit,
      ReprocessProperties properties) {
    this.batches = batches;
    this.jobTypes = jobTypes;
    this.audit = audit;
    this.properties = properties;
  }

  /** Records the batch for the enqueuer, or fails it with a reason; a batch id seen before changes nothing. */
  public void request(ReprocessBatch command, HandlingContext context) {
    BatchFilter filter = new BatchFilter(command.processedBefore(), command.userIds(), command.photoIds());
    Optional<String> queue = jobTypes.queueOf(command.jobType());
    Optional<String> reason = queue.isEmpty() ? Optional.of(unknownJobType(command.jobType())) : invalid(filter);
    int priority = command.priority() != null ? command.priority() : properties.defaultPriority();
    boolean recorded = batches.insert(command.batchId(), command.jobType(), filter, priority, command.requestedBy(),
        reason.isPresent() ? Batch.FAILED : Batch.ENQUEUING, reason.orElse(null), queue.orElse(null),
        jobTypes.target(command.jobType()), context.envelope().correlationId());
    if (!recorded) {
      log.info("batch {} was asked for again; it is known already, so nothing new is queued", command.batchId());
      return;
    }
    if (reason.isPresent()) {
      log.warn("batch {} ({}, by {}) cannot start: {}", command.batchId(), command.jobType(), command.requestedBy(),
          reason.get());
      context.emit(new ReprocessBatchFailed(command.batchId(), reason.get()));
      return;
    }
    log.info("batch {} of {} jobs by {} recorded; its jobs go to {} in pages of {}", command.batchId(),
        command.jobType(), command.requestedBy(), queue.get(), properties.pageSize());
  }

  /**
   * Stops a batch: no page is enqueued after this commits, and the enqueuer cancels its queued jobs; running ones
   * finish. The batch completes with its cancelled count once every job has ended.
   */
  public void cancel(ReprocessBatchCancelled command, HandlingContext context) {
    Optional<Batch> locked = batches.lock(command.batchId());
    if (locked.isEmpty()) {
      context.emit(new ReprocessBatchFailed(command.batchId(), "unknown batch: no reprocess-batch with batchId "
          + command.batchId() + " was received, so there is nothing to cancel"));
      return;
    }
    Batch batch = locked.get();
    if (!Batch.ENQUEUING.equals(batch.status()) && !Batch.ENQUEUED.equals(batch.status())) {
      log.info("batch {} is {} already; the cancel by {} changes nothing", batch.batchId(), batch.status(),
          command.requestedBy());
      return;
    }
    batches.markCancelled(batch.batchId(), command.requestedBy(), command.reason());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("batch_id", batch.batchId().toString());
    details.put("job_type", batch.jobType());
    details.put("requested_by", command.requestedBy());
    details.put("reason", command.reason());
    details.put("jobs_queued_so_far", batch.jobCount());
    details.put("was", batch.status());
    audit.record(null, "reprocess_batch_cancelled", command.requestedBy(), details);
    log.info("batch {} cancelled by {} ({} jobs queued so far); its queued jobs are being cancelled",
        batch.batchId(), command.requestedBy(), batch.jobCount());
  }

  private String unknownJobType(String jobType) {
    return "unknown job type '" + jobType + "': known types are " + String.join(", ", jobTypes.known())
        + " (more are configured as jobType=queue pairs in PHOTOBOMB_REPROCESS_QUEUES)";
  }

  private Optional<String> invalid(BatchFilter filter) {
    if (filter.processedBefore() == null && filter.userIds() == null && filter.photoIds() == null) {
      return Optional.of("no photos selected: give processedBefore, userIds or photoIds "
          + "(processedBefore set to now selects every photo of every live account)");
    }
    return tooManyOrEmpty("userIds", "users", filter.userIds())
        .or(() -> tooManyOrEmpty("photoIds", "photos", filter.photoIds()));
  }

  private Optional<String> tooManyOrEmpty(String field, String what, List<UUID> ids) {
    if (ids == null) {
      return Optional.empty();
    }
    if (ids.isEmpty()) {
      return Optional.of(field + " is empty, which selects no photos: leave it out or name at least one");
    }
    if (ids.size() > properties.maxIds()) {
      return Optional.of(field + " names " + ids.size() + " " + what + ", more than the " + properties.maxIds()
          + " one batch may name (PHOTOBOMB_REPROCESS_MAX_IDS): split it into several batches, or select by "
          + "processedBefore");
    }
    return Optional.empty();
  }
}
