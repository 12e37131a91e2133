package app.photobomb.ops.storage.config;

import app.photobomb.ops.storage.resilience.UploadRetryWorker;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/** Runs the upload retry worker every interval while the application runs; does nothing without a worker. */
final class ScheduledDrain implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ScheduledDrain.class);

  private final UploadRetryWorker worker;
  private final Duration interval;
  private ScheduledExecutorService executor;

  ScheduledDrain(UploadRetryWorker worker, Duration interval) {
    this.worker = worker;
    this.interval = interval;
  }

  @Override
  public synchronized void start() {
    executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "upload-retry-worker");
      thread.setDaemon(true);
      return thread;
    });
    if (worker != null) {
      executor.scheduleWithFixedDelay(this::drain, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void drain() {
    try {
      worker.drain(100);
    } catch (RuntimeException e) {
      log.warn("upload retry pass failed; next pass in {}", interval, e);
    }
  }

  @Override
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }
}
