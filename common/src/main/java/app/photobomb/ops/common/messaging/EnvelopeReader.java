package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageType;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads and checks the CloudEvents 1.0 headers of a record in Kafka binary mode (ce_specversion 1.0, ce_id,
 * ce_type, ce_source a URI reference, ce_time RFC 3339 when present); a record without them cannot be handled.
 * Read here rather than with the CloudEvents SDK's reader, which built a whole event (every attribute and
 * extension, the data wrapped) per record only for the six attributes the core uses: about a tenth of the
 * consumer thread in the messaging benchmark's profile. Writing stays with the SDK (CloudEventHeaders).
 */
final class EnvelopeReader {

  /**
   * Longest ce_id and ce_source taken: they are the inbox key, and a key over PostgreSQL's btree limit
   * (2,704 bytes) would fail every attempt; UUIDs and URNs are far shorter.
   */
  static final int MAX_KEY_LENGTH = 200;

  private EnvelopeReader() {
  }

  static Envelope read(InboundMessage message, MessageType<?> expected) {
    String id = required(message, CloudEventHeaders.ID);
    String type = required(message, CloudEventHeaders.TYPE);
    String source = required(message, CloudEventHeaders.SOURCE);
    capped(CloudEventHeaders.ID, id);
    capped(CloudEventHeaders.SOURCE, source);
    if (!expected.ceType().equals(type)) {
      throw new RejectedMessageException("wrong_type",
          "ce_type " + type + " on " + message.topic() + ", expected " + expected.ceType());
    }
    String specVersion = message.header(CloudEventHeaders.SPEC_VERSION);
    if (!CloudEventHeaders.SPEC_VERSION_1_0.equals(specVersion)) {
      throw invalid(specVersion == null ? "header " + CloudEventHeaders.SPEC_VERSION + " is missing"
          : CloudEventHeaders.SPEC_VERSION + " " + specVersion + ", expected " + CloudEventHeaders.SPEC_VERSION_1_0);
    }
    try {
      URI.create(source);
    } catch (IllegalArgumentException e) {
      throw invalid(CloudEventHeaders.SOURCE + " is not a URI reference: " + e.getMessage());
    }
    String correlationId = message.header(CloudEventHeaders.CORRELATION_ID);
    return new Envelope(id, type, source, time(message), message.header(CloudEventHeaders.SUBJECT),
        correlationId == null || correlationId.isBlank() ? id : correlationId);
  }

  private static Instant time(InboundMessage message) {
    String time = message.header(CloudEventHeaders.TIME);
    if (time == null) {
      return null;
    }
    try {
      return Rfc3339Times.parse(time);
    } catch (DateTimeParseException e) {
      throw invalid(CloudEventHeaders.TIME + " " + time + " is not an RFC 3339 time");
    }
  }

  private static RejectedMessageException invalid(String detail) {
    return new RejectedMessageException("invalid_header", "not a CloudEvent 1.0 in binary mode: " + detail);
  }

  private static String required(InboundMessage message, String header) {
    String value = message.header(header);
    if (value == null || value.isBlank()) {
      throw new RejectedMessageException("missing_header", "header " + header + " is missing");
    }
    return value;
  }

  private static void capped(String header, String value) {
    if (value.length() > MAX_KEY_LENGTH) {
      throw new RejectedMessageException("invalid_header",
          "header " + header + " has " + value.length() + " characters, at most " + MAX_KEY_LENGTH + " are taken");
    }
  }
}
