package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** CloudEvents headers for commands that tests publish, as another system would. */
public final class TestCommands {

  private TestCommands() {
  }

  public static Map<String, String> headers(MessageType<?> type, String ceId, String subject, String correlationId) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(CloudEventHeaders.ID, ceId);
    headers.put(CloudEventHeaders.TYPE, type.ceType());
    headers.put(CloudEventHeaders.SOURCE, "urn:test:photobomb-api");
    headers.put(CloudEventHeaders.TIME, Instant.now().toString());
    headers.put(CloudEventHeaders.SUBJECT, subject);
    headers.put(CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_1_0);
    headers.put(CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.APPLICATION_JSON);
    if (correlationId != null) {
      headers.put(CloudEventHeaders.CORRELATION_ID, correlationId);
    }
    return headers;
  }
}
