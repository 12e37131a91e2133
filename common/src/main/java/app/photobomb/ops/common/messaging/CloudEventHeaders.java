package app.photobomb.ops.common.messaging;

/** Kafka header names of CloudEvents 1.0 binary mode, plus the correlation and causation extensions. */
public final class CloudEventHeaders {

  public static final String ID = "ce_id";
  public static final String TYPE = "ce_type";
  public static final String SOURCE = "ce_source";
  public static final String TIME = "ce_time";
  public static final String SUBJECT = "ce_subject";
  public static final String SPEC_VERSION = "ce_specversion";
  public static final String CONTENT_TYPE = "content-type";
  /** Follows one request through every service; copied from each handled message to what it emits. */
  public static final String CORRELATION_ID = "ce_correlationid";
  /** The ce_id of the message whose handling emitted this one. */
  public static final String CAUSATION_ID = "ce_causationid";

  public static final String SPEC_VERSION_1_0 = "1.0";
  public static final String APPLICATION_JSON = "application/json";

  private CloudEventHeaders() {
  }

  /**
   * The headers of a command published from outside a service (another system, the CLI, a test or a
   * benchmark): a CloudEvent from {@code source} about {@code subject}, with a correlation id when given.
   */
  public static java.util.Map<String, String> forCommand(app.photobomb.ops.common.events.MessageType<?> type, String id, String source,
      String subject, String correlationId) {
    java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    headers.put(ID, id);
    headers.put(TYPE, type.ceType());
    headers.put(SOURCE, source);
    headers.put(TIME, java.time.Instant.now().toString());
    headers.put(SUBJECT, subject);
    headers.put(SPEC_VERSION, SPEC_VERSION_1_0);
    headers.put(CONTENT_TYPE, APPLICATION_JSON);
    if (correlationId != null) {
      headers.put(CORRELATION_ID, correlationId);
    }
    return headers;
  }
}
