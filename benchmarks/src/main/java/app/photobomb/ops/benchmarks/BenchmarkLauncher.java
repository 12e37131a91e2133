package app.photobomb.ops.benchmarks;

import java.util.Arrays;

/** {@code java -jar benchmarks.jar [messaging|storage|deletion|export]}: picks a benchmark, messaging by default. */
public final class BenchmarkLauncher {

  private BenchmarkLauncher() {
  }

  public static void main(String[] args) throws Exception {
    String which = args.length == 0 ? "messaging" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    switch (which) {
      case "messaging" -> MessagingBenchmark.main(rest);
      case "storage" -> StorageBenchmark.main(rest);
      case "deletion" -> DeletionBenchmark.main(rest);
      case "export" -> ExportBenchmark.main(rest);
      default -> throw new IllegalArgumentException("benchmarks: messaging, storage, deletion or export, not " + which);
    }
  }
}
