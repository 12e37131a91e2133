package app.photobomb.ops.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A service or worker run as production runs it: its own executable jar in a JVM of its own (so its heap is its
 * own), settings as arguments and environment variables, output followed by a {@link ServiceLog}.
 */
final class ServiceJvm implements AutoCloseable {

  private final Process process;
  private final ServiceLog log;

  private ServiceJvm(Process process, ServiceLog log) {
    this.process = process;
    this.log = log;
  }

  /** The module's {@code target/*-exec.jar} from the checkout's root, or the jar {@code override} names. */
  static Path jar(String module, String override) throws IOException {
    String configured = System.getenv(override);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    try (Stream<Path> jars = Files.list(Path.of(module, "target"))) {
      return jars.filter(p -> p.getFileName().toString().endsWith("-exec.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("build it first: ./mvnw -q -DskipTests -pl benchmarks -am "
              + "package (or set " + override + ")"));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalStateException("no " + module + "/target: run from the checkout's root after "
          + "./mvnw -q -DskipTests -pl benchmarks -am package (or set " + override + ")", e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Starts {@code java <jvmOptions> -jar <jar> --key=value...}; its output goes to {@code logFile}. */
  static ServiceJvm start(Path jar, List<String> jvmOptions, Map<String, Object> settings,
      Map<String, String> environment, Path logFile) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(List.of(BenchServiceSettings.arguments(settings)));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    return new ServiceJvm(process, ServiceLog.follow(process, logFile));
  }

  ServiceLog log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
