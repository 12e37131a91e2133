package app.photobomb.ops.benchmarks;

/**
 * What every benchmark needs around it: sizes from environment variables (so a run can be made smaller or larger
 * without a rebuild) and removal of its scratch files.
 */
final class BenchEnv {

  private BenchEnv() {
  }

  static int integer(String name, int fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
  }

  /** Deletes a scratch directory and everything under it; a missing one is fine. */
  static void deleteTree(java.nio.file.Path root) throws java.io.IOException {
    if (!java.nio.file.Files.exists(root)) {
      return;
    }
    try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(root)) {
      for (java.nio.file.Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(path);
      }
    }
  }
}
