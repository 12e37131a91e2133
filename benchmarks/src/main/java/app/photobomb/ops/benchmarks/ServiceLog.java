package app.photobomb.ops.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The output of a service running in a child JVM: copied line by line to a file, and watched, so that the
 * benchmark waits for what the service says (started, export done) instead of polling.
 */
final class ServiceLog {

  private final Process process;
  private final Path file;
  private final List<Watch> watches = new CopyOnWriteArrayList<>();

  private ServiceLog(Process process, Path file) {
    this.process = process;
    this.file = file;
  }

  /** Starts copying the process's output (stdout and stderr merged) to {@code file}. */
  static ServiceLog follow(Process process, Path file) {
    ServiceLog log = new ServiceLog(process, file);
    Thread copier = new Thread(log::copy, "service-log");
    copier.setDaemon(true);
    copier.start();
    return log;
  }

  private void copy() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8)); PrintWriter out = new PrintWriter(Files.newBufferedWriter(file), true)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        out.println(line);
        for (Watch watch : watches) {
          if (watch.match().test(line)) {
            watch.line().complete(line);
          }
        }
      }
    } catch (IOException e) {
      watches.forEach(watch -> watch.line().completeExceptionally(e));
      return;
    }
    watches.forEach(watch -> watch.line().completeExceptionally(
        new IllegalStateException("the service exited; see " + file)));
  }

  /** Starts watching for a line; call before whatever makes the service print it. */
  CompletableFuture<String> watch(Predicate<String> match) {
    Watch watch = new Watch(match, new CompletableFuture<>());
    watches.add(watch);
    return watch.line();
  }

  /** Waits for a watched line. */
  String await(CompletableFuture<String> line, Duration timeout, String what) {
    try {
      return line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " did not happen within " + timeout + "; see " + file, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + " did not happen: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting: " + what, e);
    }
  }

  private record Watch(Predicate<String> match, CompletableFuture<String> line) {
  }
}
