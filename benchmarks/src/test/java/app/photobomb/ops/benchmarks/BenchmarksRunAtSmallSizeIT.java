package app.photobomb.ops.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.benchmarks.BenchmarkLauncher.Benchmark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every benchmark the launcher offers runs as the README runs it ({@code java -jar benchmarks/target/benchmarks.jar
 * NAME} from the checkout's root, in a JVM of its own) at a small size, exits 0 and prints its result line, so that
 * a README command cannot break unseen.
 */
class BenchmarksRunAtSmallSizeIT {

  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final String NUMBER = "\\d[\\d,]*(?:\\.\\d+)?";

  /** The sizes by environment and the line that says the run measured something, per benchmark. */
  private static final Map<Benchmark, SmallRun> SMALL = Map.of(
      Benchmark.MESSAGING, new SmallRun(Map.of("BENCH_EVENTS", "1000", "BENCH_WARMUP_EVENTS", "200", "BENCH_RATE", "1000",
          "BENCH_LIGHT_RATE", "500", "BENCH_SECONDS", "2"),
          "ratios: pipeline/raw Kafka " + NUMBER + ", pipeline/raw PostgreSQL " + NUMBER),
      Benchmark.STORAGE, new SmallRun(Map.of("BENCH_STORAGE_MB", "16", "BENCH_STORAGE_ROUNDS", "1"),
          "B2 adapter \\(SDK\\) put \\+ get +" + NUMBER + " MiB/s +ratio " + NUMBER),
      Benchmark.DELETION, new SmallRun(Map.of("BENCH_DELETION_PHOTOS", "200", "BENCH_DELETION_LATENCY_MS", "5",
          "BENCH_DELETION_CONCURRENCY", "2,4", "BENCH_DELETION_WINDOW_SECONDS", "3"),
          "object phase, concurrency +4, .* calls achieved/ideal " + NUMBER),
      Benchmark.EXPORT, new SmallRun(Map.of("BENCH_EXPORT_MB", "16", "BENCH_EXPORT_PHOTO_MB", "2"),
          "ratio export / plain copy " + NUMBER),
      Benchmark.REPROCESS, new SmallRun(Map.of("BENCH_REPROCESS_PHOTOS", "20000", "BENCH_REPROCESS_PHOTOS_PER_USER",
          "100"), "ratio service / baseline " + NUMBER),
      Benchmark.THUMBNAILS, new SmallRun(Map.of("BENCH_THUMBNAILS_PHOTOS", "2", "BENCH_THUMBNAILS_WIDTH", "1600",
          "BENCH_THUMBNAILS_HEIGHT", "1200", "BENCH_THUMBNAILS_ROUNDS", "1", "BENCH_THUMBNAILS_WORKER_JOBS", "4"),
          "ratio renderer / bare loop " + NUMBER + "[\\s\\S]*ratio worker end to end / bare loop " + NUMBER),
      Benchmark.SCALING, new SmallRun(Map.of("BENCH_SCALING_TRIALS", "5"),
          "ratio p99 / KEDA's default worst case " + NUMBER),
      Benchmark.CDN, new SmallRun(Map.of("BENCH_CDN_PHOTOS", "334"), "ratio of the plan's bound " + NUMBER));

  @ParameterizedTest
  @EnumSource(Benchmark.class)
  void runsAtSmallSizeAndPrintsItsResult(Benchmark benchmark) throws IOException, InterruptedException {
    SmallRun small = SMALL.get(benchmark);
    assertThat(small).as("a small size for the %s benchmark in this test", benchmark.command()).isNotNull();
    Path log = Files.createDirectories(Path.of("target", "benchmark-runs")).resolve(benchmark.command() + ".log")
        .toAbsolutePath();
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Path.of("benchmarks", "target", "benchmarks.jar").toString(), benchmark.command())
        .directory(checkoutRoot().toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(small.environment());
    Process process = builder.start();
    try {
      assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("the %s benchmark ends within %s; see %s", benchmark.command(), TIMEOUT, log).isTrue();
      String output = Files.readString(log);
      assertThat(process.exitValue()).as("exit code of the %s benchmark:%n%s", benchmark.command(), output).isZero();
      assertThat(output).as("the %s benchmark's result line", benchmark.command())
          .containsPattern(Pattern.compile(small.resultLine()));
    } finally {
      // Descendants first: PostgreSQL and the export-service run as children of the benchmark's JVM.
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
    }
  }

  /** The checkout's root, where the README's commands run; failsafe runs in the module's directory. */
  private static Path checkoutRoot() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
  }

  private record SmallRun(Map<String, String> environment, String resultLine) {
  }
}
