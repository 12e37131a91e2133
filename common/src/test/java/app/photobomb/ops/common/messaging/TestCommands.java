package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageType;
import java.util.Map;

/** CloudEvents headers for commands that tests publish, as another system would. */
public final class TestCommands {

  private TestCommands() {
  }

  public static Map<String, String> headers(MessageType<?> type, String ceId, String subject, String correlationId) {
    return CloudEventHeaders.forCommand(type, ceId, "urn:test:photobomb-api", subject, correlationId);
  }
}
