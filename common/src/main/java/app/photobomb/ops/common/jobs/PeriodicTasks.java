package app.photobomb.ops.common.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Tasks that run at fixed delays while the application runs, each on its own daemon thread. A task that fails is
 * logged and runs again at its next interval (a scheduled task that throws would otherwise never run again).
 * Stopping interrupts tasks that are running; work they leave is picked up from durable state on the next run.
 */
public class PeriodicTasks implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(PeriodicTasks.class);

  private final String threadName;
  private final List<Task> tasks = new ArrayList<>();
  private ScheduledExecutorService executor;

  /** Threads are named after {@code threadName}. */
  protected PeriodicTasks(String threadName) {
    this.threadName = threadName;
  }

  /** Adds a task run every {@code interval} (first after one interval); call before the application starts. */
  protected final void every(Duration interval, String what, Runnable task) {
    tasks.add(new Task(interval, what, task));
  }

  @Override
  public synchronized void start() {
    AtomicInteger count = new AtomicInteger();
    executor = Executors.newScheduledThreadPool(Math.max(1, tasks.size()), runnable -> {
      Thread thread = new Thread(runnable, threadName + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    for (Task task : tasks) {
      long millis = task.interval().toMillis();
      executor.scheduleWithFixedDelay(() -> run(task), millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  private static void run(Task task) {
    try {
      task.body().run();
    } catch (Throwable e) {
      log.error("{} failed; it runs again in {}", task.what(), task.interval(), e);
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

  private record Task(Duration interval, String what, Runnable body) {
  }
}
