package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageType;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reads and checks the CloudEvents headers of a record; a record without them cannot be handled. */
final class EnvelopeReader {

  private EnvelopeReader() {
  }

  static Envelope read(InboundMessage message, MessageType<?> expected) {
    String id = required(message, CloudEventHeaders.ID);
    String type = required(message, CloudEventHeaders.TYPE);
    String source = required(message, CloudEventHeaders.SOURCE);
    if (!expected.ceType().equals(type)) {
      throw new RejectedMessageException("wrong_type",
          "ce_type " + type + " on " + message.topic() + ", expected " + expected.ceType());
    }
    String time = message.header(CloudEventHeaders.TIME);
    Instant instant;
    try {
      instant = time == null ? null : Instant.parse(time);
    } catch (DateTimeParseException e) {
      throw new RejectedMessageException("bad_header", "ce_time is not an RFC 3339 time: " + time, e);
    }
    String correlationId = message.header(CloudEventHeaders.CORRELATION_ID);
    return new Envelope(id, type, source, instant, message.header(CloudEventHeaders.SUBJECT),
        correlationId == null || correlationId.isBlank() ? id : correlationId);
  }

  private static String required(InboundMessage message, String header) {
    String value = message.header(header);
    if (value == null || value.isBlank()) {
      throw new RejectedMessageException("missing_header", "header " + header + " is missing");
    }
    return value;
  }
}
