package app.photobomb.ops.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server process that outlived the stack that started it: PostgreSQL and Redis run as child processes, which a
 * {@code kill -9} of the stack leaves running on their data. The next start, which holds the directory's lock and
 * so knows the stack is gone, stops them through the pid file they wrote.
 */
public final class LeftoverProcess {

  private static final Logger log = LoggerFactory.getLogger(LeftoverProcess.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private LeftoverProcess() {
  }

  /**
   * Stops the process named on the first line of {@code pidFile} if it still runs and its command contains
   * {@code commandName}; a pid reused by some other program is left alone.
   */
  public static void stopIfRunning(Path pidFile, String commandName) {
    Optional<ProcessHandle> process = readPid(pidFile).flatMap(ProcessHandle::of)
        .filter(ProcessHandle::isAlive)
        .filter(handle -> handle.info().command().map(command -> command.contains(commandName)).orElse(false));
    if (process.isEmpty()) {
      return;
    }
    ProcessHandle handle = process.get();
    log.warn("{} (pid {}) is still running from a stack that did not stop cleanly; stopping it", commandName,
        handle.pid());
    // SIGTERM: PostgreSQL shuts down cleanly once its clients are gone (they went with the old stack).
    handle.destroy();
    try {
      handle.onExit().get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("{} (pid {}) did not stop within {}; killing it", commandName, handle.pid(), STOP_WAIT);
      handle.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for " + commandName + " to stop failed", e);
    }
  }

  private static Optional<Long> readPid(Path pidFile) {
    try {
      List<String> lines = Files.exists(pidFile) ? Files.readAllLines(pidFile) : List.of();
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
