package app.photobomb.ops.common.messaging;

/**
 * Headers that say why a message is on a dead-letter topic and where it came from: the DLQ contract, as text
 * (Spring Kafka's own kafka_dlt-* headers are binary, so the core writes these instead).
 */
public final class DeadLetterHeaders {

  /**
   * A short, stable category: malformed_json, schema_violation, wrong_type, missing_header, invalid_header,
   * refused_source, unreadable, handler_failed.
   */
  public static final String REASON = "x-dlq-reason";
  /** A human-readable explanation: the parse error, the schema errors, or the handler exception. */
  public static final String DETAIL = "x-dlq-detail";
  public static final String EXCEPTION = "x-dlq-exception";
  public static final String CONSUMER = "x-dlq-consumer";
  public static final String ATTEMPTS = "x-dlq-attempts";
  public static final String ORIGINAL_TOPIC = "x-original-topic";
  public static final String ORIGINAL_PARTITION = "x-original-partition";
  public static final String ORIGINAL_OFFSET = "x-original-offset";

  private DeadLetterHeaders() {
  }
}
