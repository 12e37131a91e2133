package app.photobomb.ops.benchmarks;

/** Benchmark sizes from environment variables, so a run can be made smaller or larger without a rebuild. */
final class BenchEnv {

  private BenchEnv() {
  }

  static int integer(String name, int fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
  }
}
