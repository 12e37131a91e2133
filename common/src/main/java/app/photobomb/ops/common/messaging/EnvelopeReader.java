package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageType;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;

/**
 * Reads and checks the CloudEvents headers of a record with the CloudEvents SDK (binary mode, ce_specversion
 * checked); a record without them cannot be handled.
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
    // Checked before the SDK, whose errors name attributes and do not tell a missing header from a malformed one.
    String id = required(message, CloudEventHeaders.ID);
    String type = required(message, CloudEventHeaders.TYPE);
    String source = required(message, CloudEventHeaders.SOURCE);
    capped(CloudEventHeaders.ID, id);
    capped(CloudEventHeaders.SOURCE, source);
    if (!expected.ceType().equals(type)) {
      throw new RejectedMessageException("wrong_type",
          "ce_type " + type + " on " + message.topic() + ", expected " + expected.ceType());
    }
    CloudEvent event;
    try {
      event = KafkaMessageFactory.createReader(message.headers(), message.payload()).toEvent();
    } catch (CloudEventRWException | IllegalStateException | IllegalArgumentException e) {
      throw new RejectedMessageException("invalid_header", "not a CloudEvent 1.0 in binary mode: " + e.getMessage(), e);
    }
    Object correlationId = event.getExtension("correlationid");
    return new Envelope(id, type, source, event.getTime() == null ? null : event.getTime().toInstant(),
        event.getSubject(), correlationId == null || correlationId.toString().isBlank() ? id : correlationId.toString());
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
