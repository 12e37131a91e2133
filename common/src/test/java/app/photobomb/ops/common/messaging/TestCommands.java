package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageType;
import java.util.Map;

/** CloudEvents headers for messages that tests publish, as another system would. */
public final class TestCommands {

  /** The photobomb API, the publisher of user commands (accepted by default). */
  public static final String API_SOURCE = "urn:photobomb:api";
  /** A photobomb-ops service, the only kind of publisher whose events are accepted. */
  public static final String SERVICE_SOURCE = "urn:photobomb-ops:test-service";

  private TestCommands() {
  }

  /** Headers of a command from the API, or of an event from a photobomb-ops service. */
  public static Map<String, String> headers(MessageType<?> type, String ceId, String subject, String correlationId) {
    return headers(type, ceId, subject, correlationId, type.isCommand() ? API_SOURCE : SERVICE_SOURCE);
  }

  public static Map<String, String> headers(MessageType<?> type, String ceId, String subject, String correlationId,
      String source) {
    return CloudEventHeaders.forCommand(type, ceId, source, subject, correlationId);
  }
}
