package app.photobomb.ops.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * One service as production runs it: its packaged jar in a JVM of its own, on a fixed port, its output appended to
 * one log file across restarts. It can be killed as the kernel's OOM killer or a node failure would
 * ({@link Process#destroyForcibly()}: SIGKILL, no shutdown hook runs) and started again.
 */
final class ServiceProcess implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final SuiteService service;
  private final List<String> command;
  private final Path logFile;
  private final int port;
  private Process process;

  private ServiceProcess(SuiteService service, List<String> command, Path logFile, int port) {
    this.service = service;
    this.command = command;
    this.logFile = logFile;
    this.port = port;
  }

  static ServiceProcess of(SuiteService service, String heap, List<String> jvmOptions, Map<String, Object> settings,
      Path logFile, int port) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", service.jar().toString()));
    command.addAll(List.of(ServiceSettings.arguments(settings)));
    return new ServiceProcess(service, command, logFile, port);
  }

  SuiteService service() {
    return service;
  }

  /** Starts the JVM; returns at once (see {@link #awaitReady}). */
  synchronized void start() {
    try {
      Files.createDirectories(logFile.getParent());
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + service.serviceName(), e);
    }
  }

  /** Waits until the service says it is ready to take traffic (its readiness probe, as Kubernetes asks it). */
  void awaitReady() {
    Awaitility.await(service.serviceName() + " ready (see " + logFile + ")")
        .atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .failFast(service.serviceName() + " exited; see " + logFile, () -> !isAlive())
        .until(this::ready);
  }

  private boolean ready() throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz/readiness"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
  }

  /** SIGKILL, and waits until the process is gone. */
  synchronized void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(service.serviceName() + " did not die of SIGKILL within 30 s");
    }
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Asks it to stop (SIGTERM, its graceful shutdown) and waits. */
  @Override
  public synchronized void close() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
