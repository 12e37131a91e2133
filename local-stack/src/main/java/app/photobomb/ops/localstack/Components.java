package app.photobomb.ops.localstack;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Names the component (kafka, postgres, deletion-service, ...) that a thread works for, so that the console and the
 * log files can say who logged a line although everything runs in one JVM. Each component is started on a thread of
 * a thread group named after it; every thread it starts (consumers, schedulers, pools, web server) inherits the group.
 */
final class Components {

  private static final String PREFIX = "photobomb:";

  private Components() {
  }

  /** Runs {@code start} on a thread of the component's group and returns its result (or rethrows its failure). */
  static <T> T startAs(String component, Callable<T> start) {
    ThreadGroup group = new ThreadGroup(PREFIX + component);
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread starter = new Thread(group, () -> {
      try {
        result.set(start.call());
      } catch (Throwable e) {
        failure.set(e);
      }
    }, component + "-start");
    starter.start();
    try {
      starter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting " + component, e);
    }
    Throwable thrown = failure.get();
    if (thrown instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (thrown instanceof Error error) {
      throw error;
    }
    if (thrown != null) {
      throw new IllegalStateException("starting " + component + " failed: " + thrown.getMessage(), thrown);
    }
    return result.get();
  }

  /** The component the current thread works for, if it was started by {@link #startAs}. */
  static Optional<String> ofCurrentThread() {
    for (ThreadGroup group = Thread.currentThread().getThreadGroup(); group != null; group = group.getParent()) {
      if (group.getName().startsWith(PREFIX)) {
        return Optional.of(group.getName().substring(PREFIX.length()));
      }
    }
    return Optional.empty();
  }

  /**
   * The component of a log line: the thread's, else one guessed from the logger's name for threads started
   * outside any component (shared pools), else the stack itself.
   */
  static String of(String loggerName) {
    Optional<String> byThread = ofCurrentThread();
    if (byThread.isPresent()) {
      return byThread.get();
    }
    if (loggerName.startsWith("kafka.") || loggerName.startsWith("org.apache.kafka.")) {
      return "kafka";
    }
    if (loggerName.startsWith("io.zonky.") || loggerName.startsWith("org.postgresql.")) {
      return "postgres";
    }
    if (loggerName.startsWith("redis.")) {
      return "redis";
    }
    if (loggerName.startsWith("io.debezium.") || loggerName.startsWith("app.photobomb.ops.relay.")) {
      return "outbox-relay";
    }
    return "local-stack";
  }
}
