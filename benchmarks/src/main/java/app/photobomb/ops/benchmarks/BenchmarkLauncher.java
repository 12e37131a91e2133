package app.photobomb.ops.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/** {@code java -jar benchmarks.jar [messaging|storage|deletion|export|reprocess|thumbnails|scaling|cdn]}: picks a benchmark, messaging by default. */
public final class BenchmarkLauncher {

  /** Every benchmark the launcher offers, by the name that picks it. */
  enum Benchmark {
    MESSAGING(MessagingBenchmark::main),
    STORAGE(StorageBenchmark::main),
    DELETION(DeletionBenchmark::main),
    EXPORT(ExportBenchmark::main),
    REPROCESS(ReprocessBenchmark::main),
    THUMBNAILS(ThumbnailsBenchmark::main),
    SCALING(ScalingBenchmark::main),
    CDN(CdnBenchmark::main);

    private final Main main;

    Benchmark(Main main) {
      this.main = main;
    }

    /** The name on the command line. */
    String command() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A benchmark's entry point. */
  private interface Main {
    void run(String[] args) throws Exception;
  }

  private BenchmarkLauncher() {
  }

  public static void main(String[] args) {
    String which = args.length == 0 ? Benchmark.MESSAGING.command() : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    Benchmark benchmark = Stream.of(Benchmark.values()).filter(b -> b.command().equals(which)).findFirst()
        .orElse(null);
    if (benchmark == null) {
      LoggerFactory.getLogger(BenchmarkLauncher.class).error("benchmarks: {}, not {}",
          Stream.of(Benchmark.values()).map(Benchmark::command).collect(Collectors.joining(", ")), which);
      System.exit(2);
      return;
    }
    try {
      benchmark.main.run(rest);
    } catch (Exception | Error e) {
      // The servers' non-daemon threads would keep a failed run alive; the exit code is how a failure shows.
      LoggerFactory.getLogger(BenchmarkLauncher.class).error("benchmark {} failed", which, e);
      System.exit(1);
    }
    System.exit(0);
  }
}
