package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageType;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;

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
   * benchmark): a CloudEvent from {@code source} about {@code subject}, with a correlation id when given, as the
   * CloudEvents SDK writes it in Kafka binary mode.
   */
  public static Map<String, String> forCommand(MessageType<?> type, String id, String source, String subject,
      String correlationId) {
    CloudEventBuilder event = CloudEventBuilder.v1()
        .withId(id)
        .withType(type.ceType())
        .withSource(URI.create(source))
        .withTime(OffsetDateTime.now(ZoneOffset.UTC))
        .withSubject(subject)
        .withDataContentType(APPLICATION_JSON);
    if (correlationId != null) {
      event.withExtension("correlationid", correlationId);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header header : KafkaMessageFactory.createWriter(type.topic()).writeBinary(event.build()).headers()) {
      headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    return headers;
  }
}
