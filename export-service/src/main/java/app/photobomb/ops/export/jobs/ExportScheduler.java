package app.photobomb.ops.export.jobs;

import app.photobomb.ops.export.config.ExportProperties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the workers ({@code workers} threads, each building one export at a time and looking for the next every
 * {@code poll-interval}) and the retention sweep. Stopping interrupts running builds: their uploads are
 * abandoned and their exports are taken over once their lease runs out.
 */
@Component
public class ExportScheduler implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ExportScheduler.class);

  private final ExportWorker worker;
  private final ExportRetention retention;
  private final ExportProperties properties;
  private ScheduledExecutorService executor;

  public ExportScheduler(ExportWorker worker, ExportRetention retention, ExportProperties properties) {
    this.worker = worker;
    this.retention = retention;
    this.properties = properties;
  }

  @Override
  public synchronized void start() {
    AtomicInteger count = new AtomicInteger();
    executor = Executors.newScheduledThreadPool(properties.workers() + 1, runnable -> {
      Thread thread = new Thread(runnable, "export-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    long poll = properties.pollInterval().toMillis();
    for (int i = 0; i < properties.workers(); i++) {
      executor.scheduleWithFixedDelay(() -> guarded("export worker", () -> {
        while (!Thread.currentThread().isInterrupted() && worker.runOnce()) {
          // one export after another while there are any
        }
      }), poll, poll, TimeUnit.MILLISECONDS);
    }
    long sweep = properties.retentionInterval().toMillis();
    executor.scheduleWithFixedDelay(() -> guarded("retention sweep", retention::sweep), sweep, sweep,
        TimeUnit.MILLISECONDS);
  }

  private static void guarded(String what, Runnable task) {
    try {
      task.run();
    } catch (Throwable e) {
      // A scheduled task that throws is never run again: nothing may escape.
      log.error("{} failed; it runs again at its next interval", what, e);
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
