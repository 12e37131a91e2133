package app.photobomb.ops.thumbnail.worker;

import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.storage.ObjectStoreException;
import app.photobomb.ops.thumbnail.config.WorkerProperties;
import app.photobomb.ops.thumbnail.jobs.ClaimedJob;
import app.photobomb.ops.thumbnail.jobs.JobFailure;
import app.photobomb.ops.thumbnail.jobs.JobHandler;
import app.photobomb.ops.thumbnail.jobs.JobOutcome;
import app.photobomb.ops.thumbnail.jobs.JobOutcome.Result;
import app.photobomb.ops.thumbnail.jobs.ProcessingJobs;
import app.photobomb.ops.thumbnail.queue.JobQueues;
import app.photobomb.ops.thumbnail.queue.QueueItem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The worker loop of the contract (reprocess-service/README.md): {@code concurrency} slots, each a worker id of its
 * own that takes one item at a time, claims its job, runs the handler of its type while the lease is extended, and
 * finishes it (done in one transaction with the result's writes, or failed / queued again). Stopping (SIGTERM) lets
 * every slot finish the job in hand and take no other; a job still unfinished after the shutdown grace is returned.
 * {@link #resize} adds slots or stops some of them alike.
 */
public final class JobWorker implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(JobWorker.class);
  /** The longest wait between two jobs while the store keeps failing. */
  static final Duration MAX_STORAGE_WAIT = Duration.ofSeconds(30);

  private final WorkerProperties properties;
  private final StringRedisTemplate redis;
  private final ProcessingJobs jobs;
  private final TransactionTemplate transactions;
  private final PayloadCodec codec;
  private final Map<String, JobHandler> handlers;
  private final WorkerMetrics metrics;
  private final String workerId;

  // the lease keeper reads it while resize changes it
  private final List<Slot> slots = new CopyOnWriteArrayList<>();
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final AtomicLong storageWaitMillis = new AtomicLong();
  private volatile boolean running;
  private ScheduledExecutorService keeper;

  public JobWorker(WorkerProperties properties, StringRedisTemplate redis, ProcessingJobs jobs,
      TransactionTemplate transactions, PayloadCodec codec, List<JobHandler> handlers, WorkerMetrics metrics,
      String workerId) {
    this.properties = properties;
    this.redis = redis;
    this.jobs = jobs;
    this.transactions = transactions;
    this.codec = codec;
    this.handlers = handlers.stream().collect(Collectors.toMap(JobHandler::jobType, Function.identity()));
    this.metrics = metrics;
    this.workerId = workerId;
  }

  /** The worker ids of this process's slots, {@code <id>-1} to {@code <id>-<slots>} (concurrency, or as resized). */
  public List<String> workerIds() {
    return slots.stream().map(slot -> slot.queues.worker()).toList();
  }

  @Override
  public synchronized void start() {
    for (int n = 1; n <= properties.concurrency(); n++) {
      slots.add(new Slot(new JobQueues(redis, properties.queues(), workerId + "-" + n, properties.pollTimeout())));
    }
    slots.forEach(slot -> slot.queues.heartbeat(properties.lease()));
    keeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "thumbnail-worker-lease");
      thread.setDaemon(true);
      return thread;
    });
    long third = Math.max(1, properties.lease().toMillis() / 3);
    keeper.scheduleWithFixedDelay(this::keepLeases, third, third, TimeUnit.MILLISECONDS);
    running = true;
    slots.forEach(this::startThread);
    log.info("thumbnail-worker {} takes {} from {} ({} at a time, lease {})", workerId, handlers.keySet(),
        properties.queues(), properties.concurrency(), properties.lease());
  }

  @Override
  public void stop() {
    stopAndWait();
  }

  @Override
  public void stop(Runnable callback) {
    stopAndWait();
    callback.run();
  }

  private synchronized void stopAndWait() {
    if (!running) {
      return;
    }
    running = false;
    stopping.countDown();
    log.info("thumbnail-worker {} stopping: finishing the jobs in hand (grace {})", workerId,
        properties.shutdownGrace());
    awaitSlots(properties.shutdownGrace());
    returnUnfinished();
    keeper.shutdownNow();
    retire(slots);
    log.info("thumbnail-worker {} stopped", workerId);
  }

  /**
   * Runs {@code count} slots from now on (e.g. a deployment's replica count): new slots start taking jobs at once;
   * removed ones (the highest numbered) stop as on SIGTERM, finishing the job in hand, and this returns once they
   * have. Returns the slot count before.
   */
  public synchronized int resize(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("slots are at least 0: " + count);
    }
    int before = slots.size();
    if (!running) {
      return before;
    }
    for (int n = before + 1; n <= count; n++) {
      Slot slot = new Slot(new JobQueues(redis, properties.queues(), workerId + "-" + n, properties.pollTimeout()));
      slot.queues.heartbeat(properties.lease());
      slots.add(slot);
      startThread(slot);
    }
    if (count < before) {
      List<Slot> removed = List.copyOf(slots.subList(count, before));
      removed.forEach(slot -> slot.stopped = true);
      // still in the list while they finish, so that the keeper extends the leases of their jobs in hand
      join(removed);
      slots.removeAll(removed);
      retire(removed);
    }
    log.debug("thumbnail-worker {}: {} -> {} slots", workerId, before, count);
    return before;
  }

  private void startThread(Slot slot) {
    slot.thread = new Thread(() -> run(slot), "thumbnail-" + slot.queues.worker());
    // stop() waits for the job in hand; a JVM that exits without stopping the context must not wait on it
    slot.thread.setDaemon(true);
    slot.thread.start();
  }

  private static void join(List<Slot> stopping) {
    for (Slot slot : stopping) {
      try {
        slot.thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }

  private static void retire(List<Slot> stopped) {
    for (Slot slot : stopped) {
      try {
        slot.queues.retire();
      } catch (RuntimeException e) {
        log.warn("could not withdraw the heartbeat of {}; it expires on its own", slot.queues.worker(), e);
      }
    }
  }

  private void awaitSlots(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    for (Slot slot : slots) {
      try {
        // join(0) waits forever, hence at least 1 ms
        slot.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Gives back the jobs still in hand after the grace (a pod's SIGKILL follows soon): queued again without their
   * attempt counted, items to the head of their queues, so another worker takes them now rather than after the lease.
   * Their slots learn it as a lost lease and commit nothing.
   */
  private void returnUnfinished() {
    for (Slot slot : slots) {
      InHand hand = slot.inHand;
      if (hand == null || !slot.thread.isAlive()) {
        continue;
      }
      hand.lost.set(true);
      ClaimedJob job = hand.job;
      try {
        if (jobs.release(job.jobId(), slot.queues.worker())) {
          slot.queues.putBack(hand.item);
          log.warn("job {} {} photo {} unfinished after the shutdown grace of {}; returned to {}", job.jobId(),
              job.jobType(), shortId(job.photoId()), properties.shutdownGrace(), hand.item.queue());
        }
      } catch (RuntimeException e) {
        log.warn("job {} {} could not be returned; the reaper queues it again once its lease expires", job.jobId(),
            job.jobType(), e);
      }
    }
  }

  /** The stop came while the slot waited on the queue: the item it got goes back untaken. */
  private void putBackUntaken(Slot slot, QueueItem item) {
    try {
      slot.queues.putBack(item);
    } catch (RuntimeException e) {
      log.warn("{} could not put item {} back on {}; the reaper does once its key expires", slot.queues.worker(),
          item.value(), item.queue(), e);
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops before anything it uses (the web server, Redis, the data source) and after it started them. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }

  private void run(Slot slot) {
    while (running && !slot.stopped) {
      QueueItem item;
      try {
        item = slot.queues.take();
      } catch (RuntimeException e) {
        log.warn("{} could not take from {}; trying again in {}", slot.queues.worker(), properties.queues(),
            properties.pollTimeout(), e);
        pause(properties.pollTimeout());
        continue;
      }
      if (item == null) {
        continue;
      }
      if (!running || slot.stopped) {
        putBackUntaken(slot, item);
        break;
      }
      try {
        process(slot, item);
      } catch (RuntimeException e) {
        // The item stays in the processing list; the reaper moves it once this worker's key expires.
        log.error("{} could not finish item {} of {}; it is left to the reaper", slot.queues.worker(), item.value(),
            item.queue(), e);
        pause(properties.pollTimeout());
      } finally {
        slot.inHand = null;
      }
    }
  }

  private void process(Slot slot, QueueItem item) {
    JobQueues queues = slot.queues;
    long jobId;
    try {
      jobId = Long.parseLong(item.value().trim());
    } catch (NumberFormatException e) {
      log.warn("{}: item '{}' of {} is no job id; dropped", queues.worker(), item.value(), item.queue());
      queues.remove(item);
      metrics.item("malformed");
      return;
    }
    Optional<ProcessingJobs.Peek> peek = jobs.peek(jobId);
    if (peek.isPresent() && "queued".equals(peek.get().status()) && !handlers.containsKey(peek.get().jobType())) {
      // Another kind of worker's job on a shared queue: back to the tail, untouched, and a pause before the next
      // take, so that a queue of other workers' jobs costs one round trip a second, not a busy loop.
      queues.requeue(item);
      metrics.item("foreign");
      log.debug("{}: job {} is {}, not this worker's; put back on {}", queues.worker(), jobId,
          peek.get().jobType(), item.queue());
      pause(properties.pollTimeout());
      return;
    }
    Optional<ClaimedJob> claimed = jobs.claim(jobId, queues.worker(), properties.lease());
    if (claimed.isEmpty()) {
      queues.remove(item);
      metrics.item("duplicate");
      log.debug("{}: job {} is not queued (a duplicate or redelivered item); dropped", queues.worker(), jobId);
      return;
    }
    ClaimedJob job = claimed.get();
    InHand hand = new InHand(job, item);
    slot.inHand = hand;
    long started = System.nanoTime();
    log.info("job {} {} photo {} claimed by {} (attempt {} of {})", jobId, job.jobType(), shortId(job.photoId()),
        queues.worker(), job.attempts(), job.maxAttempts());
    JobOutcome outcome;
    try {
      outcome = handlers.get(job.jobType()).handle(job, () -> !hand.lost.get());
    } catch (ObjectStoreException e) {
      String result = waitOutStorage(queues, item, job, () -> { }, e);
      metrics.job(job.jobType(), result, Duration.ofNanos(System.nanoTime() - started));
      return;
    } catch (Exception e) {
      log.warn("job {} {} threw", jobId, job.jobType(), e);
      outcome = JobOutcome.failed("error: " + describe(e));
    }
    String result = finish(queues, item, job, hand, outcome);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    metrics.job(job.jobType(), result, took);
  }

  /** Ends the job with its outcome; returns the metric outcome. */
  private String finish(JobQueues queues, QueueItem item, ClaimedJob job, InHand hand, JobOutcome outcome) {
    if (outcome instanceof JobOutcome.Done done) {
      Result committed;
      try {
        committed = transactions.execute(status -> {
          Result result = done.writes().write();
          if (!jobs.markDone(job.jobId(), queues.worker(), codec.toJson(result.result()))) {
            throw new LeaseLost();
          }
          return result;
        });
      } catch (LeaseLost e) {
        return lost(queues, item, job, done.discard());
      } catch (ObjectStoreException e) {
        return waitOutStorage(queues, item, job, done.discard(), e);
      } catch (RuntimeException e) {
        String reason = e instanceof JobFailure ? e.getMessage() : "error: " + describe(e);
        if (!(e instanceof JobFailure)) {
          log.warn("job {} {}: the finishing transaction failed", job.jobId(), job.jobType(), e);
        }
        return fail(queues, item, job, new JobOutcome.Failed(reason, done.discard()));
      }
      queues.remove(item);
      storageWaitMillis.set(0);
      quietly(committed.applied() ? done.afterCommit() : done.discard(), job, "clean-up after the commit");
      log.info("job {} {} photo {} {}: {}", job.jobId(), job.jobType(), shortId(job.photoId()),
          committed.applied() ? "done" : "skipped", codec.toJson(committed.result()));
      return committed.applied() ? "done" : "skipped";
    }
    return fail(queues, item, job, (JobOutcome.Failed) outcome);
  }

  private String fail(JobQueues queues, QueueItem item, ClaimedJob job, JobOutcome.Failed failed) {
    quietly(failed.discard(), job, "removal of what the failed attempt wrote");
    Optional<String> status = jobs.markFailed(job.jobId(), queues.worker(), failed.reason());
    if (status.isEmpty()) {
      return lost(queues, item, job, () -> { });
    }
    if ("queued".equals(status.get())) {
      queues.requeue(item);
      log.warn("job {} {} photo {} attempt {} of {} failed, queued again: {}", job.jobId(), job.jobType(),
          shortId(job.photoId()), job.attempts(), job.maxAttempts(), failed.reason());
      return "retried";
    }
    queues.remove(item);
    log.warn("job {} {} photo {} failed after {} attempts: {}", job.jobId(), job.jobType(), shortId(job.photoId()),
        job.attempts(), failed.reason());
    return "failed";
  }

  /**
   * A store that does not answer (its calls failed after the adapter's retries, or its breaker is open) is no fault
   * of the job: it goes back to its queue with the attempt not counted, and this worker waits before its next job,
   * twice as long each time the store still fails (at most {@link #MAX_STORAGE_WAIT}), so that an outage neither
   * uses up the jobs' attempts nor spins through the queue. The fault suite's B2 outage round found jobs failing for
   * good within a second of an outage.
   */
  private String waitOutStorage(JobQueues queues, QueueItem item, ClaimedJob job, Runnable discard,
      ObjectStoreException e) {
    quietly(discard, job, "removal of what the attempt wrote");
    if (!jobs.release(job.jobId(), queues.worker())) {
      return lost(queues, item, job, () -> { });
    }
    queues.requeue(item);
    long wait = storageWaitMillis.updateAndGet(last -> Math.min(MAX_STORAGE_WAIT.toMillis(),
        Math.max(properties.pollTimeout().toMillis(), last * 2)));
    log.warn("job {} {} photo {}: storage unavailable, given back to {} (attempt not counted); {} waits {} ms before "
        + "its next job: {}", job.jobId(), job.jobType(), shortId(job.photoId()), item.queue(), queues.worker(), wait,
        e.getMessage());
    pause(Duration.ofMillis(wait));
    return "postponed";
  }

  private String lost(JobQueues queues, QueueItem item, ClaimedJob job, Runnable discard) {
    quietly(discard, job, "removal of what the attempt wrote");
    // the reaper queued the job again with an item of its own; this one is stale
    queues.remove(item);
    log.warn("job {} {} photo {}: lease lost to another worker; nothing committed", job.jobId(), job.jobType(),
        shortId(job.photoId()));
    return "lost";
  }

  private void keepLeases() {
    for (Slot slot : slots) {
      try {
        slot.queues.heartbeat(properties.lease());
        InHand hand = slot.inHand;
        if (hand != null && !hand.lost.get()
            && !jobs.extendLease(hand.job.jobId(), slot.queues.worker(), properties.lease())) {
          hand.lost.set(true);
          // a job that finished meanwhile ended its lease itself: only one still in hand lost it
          if (slot.inHand == hand) {
            log.warn("job {} {}: lease lost; {} stops it", hand.job.jobId(), hand.job.jobType(),
                slot.queues.worker());
          }
        }
      } catch (RuntimeException e) {
        log.warn("{} could not renew its heartbeat or lease", slot.queues.worker(), e);
      }
    }
  }

  private void pause(Duration duration) {
    try {
      stopping.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void quietly(Runnable action, ClaimedJob job, String what) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.warn("job {} {}: {} failed", job.jobId(), job.jobType(), what, e);
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static String shortId(Object id) {
    String text = String.valueOf(id);
    return text.length() == 36 ? text.substring(0, 8) + "…" : text;
  }

  /** One concurrent taker: its worker id, its thread, and the job it holds. */
  private static final class Slot {
    final JobQueues queues;
    volatile InHand inHand;
    volatile boolean stopped;
    Thread thread;

    Slot(JobQueues queues) {
      this.queues = queues;
    }
  }

  /** A job in hand, its queue item, and whether its lease was lost. */
  private static final class InHand {
    final ClaimedJob job;
    final QueueItem item;
    final AtomicBoolean lost = new AtomicBoolean();

    InHand(ClaimedJob job, QueueItem item) {
      this.job = job;
      this.item = item;
    }
  }

  /** The done update found the job no longer this worker's: rolls the finishing transaction back. */
  private static final class LeaseLost extends RuntimeException {
    LeaseLost() {
      super(null, null, false, false);
    }
  }
}
