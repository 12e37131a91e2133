package app.photobomb.ops.common.messaging;

/**
 * A message that can never be handled as it is (bad JSON, schema violation, missing or invalid header, refused
 * source): dead-letter it at once.
 */
public class RejectedMessageException extends RuntimeException {

  private final String reason;

  public RejectedMessageException(String reason, String detail) {
    super(detail);
    this.reason = reason;
  }

  public RejectedMessageException(String reason, String detail, Throwable cause) {
    super(detail, cause);
    this.reason = reason;
  }

  /** Stable category for the x-dlq-reason header. */
  public String reason() {
    return reason;
  }
}
