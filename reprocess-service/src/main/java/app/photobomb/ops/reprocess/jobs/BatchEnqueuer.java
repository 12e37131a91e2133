package app.photobomb.ops.reprocess.jobs;

import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.events.ReprocessBatchAccepted;
import app.photobomb.ops.common.events.ReprocessBatchCompleted;
import app.photobomb.ops.common.messaging.Outbox;
import app.photobomb.ops.reprocess.config.ReprocessProperties;
import app.photobomb.ops.reprocess.domain.Batch;
import app.photobomb.ops.reprocess.domain.ProcessingJobs;
import app.photobomb.ops.reprocess.domain.ProcessingJobs.Page;
import app.photobomb.ops.reprocess.domain.ReprocessBatches;
import app.photobomb.ops.reprocess.queue.JobQueue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Queues a batch's jobs page by page: one statement inserts a page's jobs and moves the cursor, then one Redis
 * round trip pushes their ids, then the pushed cursor moves. A batch is claimed with a lease, so one replica works
 * on it at a time; a replica that stops leaves at most one page inserted but not pushed, which the next holder
 * pushes again (duplicate items are harmless by the worker contract). Also cancels the queued jobs of cancelled
 * batches, a page at a time.
 */
@Service
public class BatchEnqueuer {

  private static final Logger log = LoggerFactory.getLogger(BatchEnqueuer.class);

  private final ReprocessBatches batches;
  private final ProcessingJobs jobs;
  private final JobQueue queue;
  private final Outbox outbox;
  private final AuditLog audit;
  private final TransactionTemplate transactions;
  private final ReprocessProperties properties;
  private final String replica;
  private final Counter pages;

  public BatchEnqueuer(ReprocessBatches batches, ProcessingJobs jobs, JobQueue queue, Outbox outbox, AuditLog audit,
      TransactionTemplate transactions, ReprocessProperties properties, ReplicaId replica, MeterRegistry meters) {
    this.batches = batches;
    this.jobs = jobs;
    this.queue = queue;
    this.outbox = outbox;
    this.audit = audit;
    this.transactions = transactions;
    this.properties = properties;
    this.replica = replica.value();
    this.pages = Counter.builder("photobomb.reprocess.enqueue.pages")
        .description("Pages of jobs inserted (one statement each) and pushed (one Redis round trip each)")
        .register(meters);
  }

  /** Enqueues every batch it can claim, then cancels what cancelled batches still have queued. */
  public void runOnce() {
    Optional<Batch> claimed;
    while (!Thread.currentThread().isInterrupted()
        && (claimed = batches.claimNext(replica, properties.claimLease())).isPresent()) {
      enqueue(claimed.get());
    }
    for (UUID batchId : batches.cancelling()) {
      int cancelled;
      do {
        cancelled = jobs.cancelQueued(batchId, properties.pageSize());
        if (cancelled > 0) {
          log.info("batch {}: {} queued jobs cancelled", batchId, cancelled);
        }
      } while (cancelled == properties.pageSize() && !Thread.currentThread().isInterrupted());
    }
  }

  private void enqueue(Batch batch) {
    UUID cursor = batch.insertedThrough();
    if (batch.hasUnpushedPage()) {
      List<Long> again = jobs.queuedBetween(batch.batchId(), batch.pushedThrough(), cursor);
      queue.push(batch.queue(), again);
      batches.markPushed(batch.batchId(), cursor);
      log.info("batch {}: resumed where a stopped enqueuer left it; {} items of its last page pushed again",
          batch.batchId(), again.size());
    } else if (cursor != null) {
      log.info("batch {}: resumed after {} jobs", batch.batchId(), batch.jobCount());
    }
    while (!Thread.currentThread().isInterrupted()) {
      UUID after = cursor;
      Page page = transactions.execute(status -> insertPage(batch.batchId(), after));
      if (page == null) {
        log.info("batch {}: enqueueing stopped (cancelled, or another replica holds it now)", batch.batchId());
        return;
      }
      pages.increment();
      queue.push(batch.queue(), page.jobIds());
      if (page.lastPhotoId() != null) {
        batches.markPushed(batch.batchId(), page.lastPhotoId());
        cursor = page.lastPhotoId();
      }
      if (page.selected() < properties.pageSize()) {
        transactions.executeWithoutResult(status -> accept(batch.batchId()));
        return;
      }
    }
  }

  /** One page in one transaction, if the batch is still this replica's and still enqueuing; else null. */
  private Page insertPage(UUID batchId, UUID after) {
    Optional<Batch> locked = batches.lockClaimed(batchId, replica);
    if (locked.isEmpty()) {
      return null;
    }
    Page page = jobs.insertPage(locked.get(), after, properties.pageSize());
    batches.markInserted(batchId, page.lastPhotoId(), page.jobIds().size(), properties.claimLease());
    return page;
  }

  /** Every job is on its queue: accepted (and, with no job at all, completed), audited with who, what and how many. */
  private void accept(UUID batchId) {
    Optional<Batch> locked = batches.lockClaimed(batchId, replica);
    if (locked.isEmpty()) {
      return;
    }
    Batch batch = locked.get();
    boolean empty = batch.jobCount() == 0;
    batches.markEnqueued(batchId, empty);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("batch_id", batchId.toString());
    details.put("job_type", batch.jobType());
    details.put("requested_by", batch.requestedBy());
    details.put("filter", batch.filter());
    details.put("priority", batch.priority());
    details.put("queue", batch.queue());
    details.put("target", batch.target());
    details.put("job_count", batch.jobCount());
    audit.record(null, "reprocess_batch_queued", batch.requestedBy(), details);
    outbox.emit(new ReprocessBatchAccepted(batchId, batch.jobCount()), batch.correlationId());
    if (empty) {
      outbox.emit(new ReprocessBatchCompleted(batchId, 0, 0, 0L), batch.correlationId());
    }
    log.info("batch {}: {} {} jobs on {}{}", batchId, batch.jobCount(), batch.jobType(), batch.queue(),
        empty ? "; nothing to do, so it is complete" : "");
  }
}
