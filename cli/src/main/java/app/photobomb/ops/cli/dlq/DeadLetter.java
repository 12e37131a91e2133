package app.photobomb.ops.cli.dlq;

import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One record of a {@code <topic>.dlq}: where it sits, the message as it was (key, payload, CloudEvents headers) and
 * why the messaging core dead-lettered it (its x-dlq-* and x-original-* headers).
 */
record DeadLetter(String dlqTopic, int partition, long offset, Instant time, byte[] key, byte[] payload,
    Headers headers) {

  static DeadLetter of(ConsumerRecord<byte[], byte[]> record) {
    return new DeadLetter(record.topic(), record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()),
        record.key(), record.value(), record.headers());
  }

  String ceId() {
    return header(CloudEventHeaders.ID);
  }

  String ceType() {
    return header(CloudEventHeaders.TYPE);
  }

  String reason() {
    return header(DeadLetterHeaders.REASON);
  }

  String detail() {
    return header(DeadLetterHeaders.DETAIL);
  }

  String consumer() {
    return header(DeadLetterHeaders.CONSUMER);
  }

  String attempts() {
    return header(DeadLetterHeaders.ATTEMPTS);
  }

  String keyText() {
    return key == null ? null : new String(key, StandardCharsets.UTF_8);
  }

  /** The topic the message was consumed from: its x-original-topic header, else the DLQ's name less {@code .dlq}. */
  String originalTopic() {
    String original = header(DeadLetterHeaders.ORIGINAL_TOPIC);
    return original != null ? original : dlqTopic.substring(0, dlqTopic.length() - DlqTopics.SUFFIX.length());
  }

  /** The message's own headers (CloudEvents, content type, correlation): the core's x-dlq-* and x-original-* dropped. */
  Headers originalHeaders() {
    Headers kept = new RecordHeaders();
    for (Header header : headers) {
      if (!header.key().startsWith("x-dlq-") && !header.key().startsWith("x-original-")) {
        kept.add(header);
      }
    }
    return kept;
  }

  private String header(String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
