package app.photobomb.ops.reprocess.jobs;

import app.photobomb.ops.reprocess.config.ReprocessProperties;
import app.photobomb.ops.reprocess.domain.JobTypes;
import app.photobomb.ops.reprocess.queue.JobQueue;
import app.photobomb.ops.reprocess.queue.JobQueue.ProcessingList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The worker contract's reaper: a running job whose lease expired is queued again, or failed ({@code lease_expired})
 * after its attempts, and its item pushed back; a dead worker's processing list (its {@code worker:<id>} key
 * expired) is emptied back onto its queue, items of finished jobs dropped. Stuck jobs move without a restart.
 */
@Service
public class LeaseReaper {

  private static final Logger log = LoggerFactory.getLogger(LeaseReaper.class);
  private static final int JOBS_PER_PASS = 1000;

  private final JdbcTemplate jdbc;
  private final JobQueue queue;
  private final JobTypes jobTypes;
  private final TransactionTemplate transactions;
  private final ReprocessProperties properties;

  public LeaseReaper(JdbcTemplate jdbc, JobQueue queue, JobTypes jobTypes, TransactionTemplate transactions,
      ReprocessProperties properties) {
    this.jdbc = jdbc;
    this.queue = queue;
    this.jobTypes = jobTypes;
    this.transactions = transactions;
    this.properties = properties;
  }

  public void runOnce() {
    int reaped;
    do {
      reaped = transactions.execute(status -> reapExpiredLeases());
    } while (reaped == JOBS_PER_PASS && !Thread.currentThread().isInterrupted());
    for (ProcessingList list : queue.processingLists()) {
      if (!queue.isAlive(list.worker())) {
        recover(list);
      }
    }
  }

  /**
   * Moves expired leases on; the items are pushed before the commit, so a crash leaves a duplicate (harmless) rather
   * than a queued job without an item.
   */
  private int reapExpiredLeases() {
    List<Reaped> reaped = jdbc.query("""
        WITH expired AS (
            SELECT job_id, worker FROM processing_jobs WHERE status = 'running' AND lease_until < now()
            ORDER BY lease_until LIMIT ? FOR UPDATE SKIP LOCKED)
        UPDATE processing_jobs j SET
               status = CASE WHEN j.attempts >= j.max_attempts THEN 'failed' ELSE 'queued' END,
               last_error = CASE WHEN j.attempts >= j.max_attempts THEN 'lease_expired' ELSE j.last_error END,
               finished_at = CASE WHEN j.attempts >= j.max_attempts THEN now() END,
               worker = NULL, lease_until = NULL, updated_at = now()
        FROM expired WHERE j.job_id = expired.job_id
        RETURNING j.job_id, j.status, j.queue, j.job_type, j.attempts, expired.worker""",
        (row, n) -> new Reaped(row.getLong("job_id"), row.getString("status"), row.getString("queue"),
            row.getString("job_type"), row.getInt("attempts"), row.getString("worker")), JOBS_PER_PASS);
    Map<String, List<Long>> back = new LinkedHashMap<>();
    for (Reaped job : reaped) {
      if ("queued".equals(job.status())) {
        back.computeIfAbsent(queueOf(job), q -> new ArrayList<>()).add(job.jobId());
        log.info("job {} ({}): the lease of worker {} expired; queued again (attempt {} ended)", job.jobId(),
            job.jobType(), job.worker(), job.attempts());
      } else {
        log.warn("job {} ({}) failed: lease_expired after {} attempts (last worker {})", job.jobId(), job.jobType(),
            job.attempts(), job.worker());
      }
    }
    queue.push(back);
    return reaped.size();
  }

  private void recover(ProcessingList list) {
    List<String> items = queue.items(list);
    if (items.isEmpty()) {
      return;
    }
    Long[] ids = items.stream().map(LeaseReaper::jobId).filter(id -> id != null).toArray(Long[]::new);
    Set<Long> open = jdbc.queryForList("SELECT job_id FROM processing_jobs WHERE job_id = ANY (?) AND status IN "
        + "('queued', 'running')", Long.class, (Object) ids).stream().collect(Collectors.toSet());
    List<String> back = items.stream().filter(item -> open.contains(jobId(item))).toList();
    List<String> drop = items.stream().filter(item -> !open.contains(jobId(item))).toList();
    queue.giveBack(list, back, drop);
    log.info("worker {} is gone (no worker:{} key): {} items of its processing list back on {}, {} of finished "
        + "jobs dropped", list.worker(), list.worker(), back.size(), list.queue(), drop.size());
  }

  private String queueOf(Reaped job) {
    if (job.queue() != null) {
      return job.queue();
    }
    return jobTypes.queueOf(job.jobType()).orElse(properties.interactiveQueue());
  }

  private static Long jobId(String item) {
    try {
      return Long.valueOf(item.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private record Reaped(long jobId, String status, String queue, String jobType, int attempts, String worker) {
  }
}
