package app.photobomb.ops.testsupport;

import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Which servers tests run on, from {@code -Dphotobomb.test.servers} or {@code PHOTOBOMB_TEST_SERVERS}:
 * {@code embedded} (default), {@code testcontainers}, or {@code auto} (containers when Docker answers).
 * Asking for containers without a Docker engine falls back to the embedded servers.
 */
public enum ServerMode {
  EMBEDDED, TESTCONTAINERS;

  public static ServerMode resolve(String requested, BooleanSupplier dockerAvailable) {
    String choice = requested == null || requested.isBlank() ? "embedded" : requested.trim().toLowerCase(Locale.ROOT);
    return switch (choice) {
      case "embedded" -> EMBEDDED;
      case "testcontainers", "auto" -> dockerAvailable.getAsBoolean() ? TESTCONTAINERS : EMBEDDED;
      default -> throw new IllegalArgumentException(
          "photobomb.test.servers must be embedded, testcontainers or auto, not " + requested);
    };
  }

  static String requested() {
    String property = System.getProperty("photobomb.test.servers");
    return property != null ? property : System.getenv("PHOTOBOMB_TEST_SERVERS");
  }
}
