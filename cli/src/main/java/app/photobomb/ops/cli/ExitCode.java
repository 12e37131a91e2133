package app.photobomb.ops.cli;

/** The exit codes a script can rely on; every subcommand ends with one of them. */
public final class ExitCode {

  /** The terminal event says the task completed. */
  public static final int COMPLETED = 0;
  /** The terminal event says the task failed; its reason is printed. */
  public static final int FAILED = 1;
  /** The input was refused before anything was published (options, schema, unknown ids). */
  public static final int BAD_INPUT = 2;
  /** No terminal event arrived within {@code --wait}; the services may still be working. */
  public static final int TIMED_OUT = 3;

  private ExitCode() {
  }

  /** What an exception that escaped a subcommand means: bad input is 2, anything else (Kafka down) is 1. */
  static int of(Throwable error) {
    return error instanceof BadInputException ? BAD_INPUT : FAILED;
  }

  /** Input refused before anything was published. */
  public static final class BadInputException extends RuntimeException {

    public BadInputException(String message) {
      super(message);
    }
  }
}
