package app.photobomb.ops.deletion.jobs;

import app.photobomb.ops.deletion.config.DeletionProperties;
import app.photobomb.ops.deletion.domain.HardDeleter;
import app.photobomb.ops.deletion.domain.ObjectDeleter;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Every interval: hard-deletes the rows of due accounts (the runbook's deleted_at older than the grace period),
 * then works through the object phase. Safe with many replicas: each account is claimed under a row lock.
 */
@Component
public class HardDeleteScheduler implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(HardDeleteScheduler.class);

  private final HardDeleter hardDeleter;
  private final ObjectDeleter objectDeleter;
  private final DeletionProperties properties;
  private ScheduledExecutorService executor;

  public HardDeleteScheduler(HardDeleter hardDeleter, ObjectDeleter objectDeleter, DeletionProperties properties) {
    this.hardDeleter = hardDeleter;
    this.objectDeleter = objectDeleter;
    this.properties = properties;
  }

  /** One pass; also what the interval runs. */
  public void runOnce() {
    for (UUID userId : hardDeleter.due(10)) {
      hardDeleter.deleteRows(userId);
    }
    objectDeleter.run();
  }

  @Override
  public synchronized void start() {
    executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "hard-delete-scheduler");
      thread.setDaemon(true);
      return thread;
    });
    long interval = properties.schedulerInterval().toMillis();
    executor.scheduleWithFixedDelay(() -> {
      try {
        runOnce();
      } catch (RuntimeException e) {
        log.error("hard delete pass failed; next pass in {}", properties.schedulerInterval(), e);
      }
    }, interval, interval, TimeUnit.MILLISECONDS);
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
