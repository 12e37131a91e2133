package app.photobomb.ops.cli.status;

/**
 * One line of {@code status}: what part of the system ({@code kind}: service, lag, dlq, queue, replicas, export,
 * deletion, batch, breaker), which one, its state or number, a detail, and whether it counts as healthy.
 */
public record StatusRow(String kind, String name, String state, String detail, boolean healthy) {

  public static final String UNREACHABLE = "UNREACHABLE";

  static StatusRow ok(String kind, String name, String state, String detail) {
    return new StatusRow(kind, name, state, detail, true);
  }

  static StatusRow unhealthy(String kind, String name, String state, String detail) {
    return new StatusRow(kind, name, state, detail, false);
  }

  /** A part that could not be asked: its row says why, and the command exits 1. */
  static StatusRow unreachable(String kind, String name, Throwable cause) {
    return unhealthy(kind, name, UNREACHABLE, reason(cause));
  }

  static String reason(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? "" : ": " + root.getMessage().lines().findFirst().orElse("");
    return root.getClass().getSimpleName() + message;
  }
}
