package app.photobomb.ops.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * CI's short round of every fault: the README's command ({@code java -jar fault-suite/target/fault-suite.jar}) from
 * the checkout's root, one injection of each fault with a small load, every service killed at once instead of each
 * in turn. Fails when the suite exits non-zero (an invariant failed: the output shows which) or its table lacks a
 * fault.
 */
class FaultSuiteShortRoundIT {

  private static final Duration TIMEOUT = Duration.ofMinutes(12);
  private static final Map<String, String> SHORT = Map.ofEntries(
      Map.entry("FAULTS_INJECTIONS", "1"), Map.entry("FAULTS_KILL_TOGETHER", "true"),
      Map.entry("FAULTS_FORCED_DELETIONS", "2"), Map.entry("FAULTS_CANCELLED_DELETIONS", "2"),
      Map.entry("FAULTS_EXPORTS", "2"), Map.entry("FAULTS_PURGES", "2"), Map.entry("FAULTS_REPROCESSED", "2"),
      Map.entry("FAULTS_PHOTOS", "2"), Map.entry("FAULTS_MAX_KILL_DELAY", "2s"), Map.entry("FAULTS_SERVER_DOWN", "3s"),
      Map.entry("FAULTS_STORM", "5s"), Map.entry("FAULTS_SETTLE", "3m"),
      Map.entry("FAULTS_DIR", "fault-suite/target/faults-ci"),
      Map.entry("FAULTS_REPORT", "fault-suite/target/faults-ci.md"));

  @Test
  void everyFaultsShortRoundKeepsEveryInvariant() throws IOException, InterruptedException {
    Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    Path log = Files.createDirectories(root.resolve("fault-suite/target")).resolve("faults-ci.log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Path.of("fault-suite", "target", "fault-suite.jar").toString())
        .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(SHORT);
    Process process = builder.start();
    try {
      assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("the short round ends within %s; see %s", TIMEOUT, log).isTrue();
      String output = Files.readString(log);
      assertThat(process.exitValue()).as("exit code of the fault suite; its output:%n%s", output).isZero();
      List<String> rows = Files.readAllLines(root.resolve("fault-suite/target/faults-ci.md")).stream()
          .filter(line -> line.matches("\\| .* \\(\\d+x\\) \\|.*")).toList();
      assertThat(rows).as("a row per fault").hasSize(FaultKind.values().length);
      // fault (injections) | rounds | commands | lost | duplicated effects | wrong state | p99 recovery
      assertThat(rows).allSatisfy(row ->
          assertThat(row).matches("\\| [^|]+ \\| 1 \\| [1-9]\\d* \\| 0 \\| 0 \\| 0 \\| .*"));
    } finally {
      // descendants first: the services, PostgreSQL and Redis run as children of the suite's JVM
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
    }
  }
}
