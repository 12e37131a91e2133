package app.photobomb.ops.common.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer.HeaderNames;

/**
 * Sends a record that cannot be handled to {@code <topic>.dlq}, unchanged, with why in its headers, through
 * Spring Kafka's DeadLetterPublishingRecoverer, which waits for the broker's acknowledgement, so the source offset
 * is committed only after.
 */
public class DeadLetterPublisher implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);
  private static final int MAX_DETAIL = 4000;

  private final ProducerFactory<byte[], byte[]> producers;
  private final DeadLetterPublishingRecoverer recoverer;

  public DeadLetterPublisher(ProducerFactory<byte[], byte[]> producers, Duration sendTimeout) {
    this.producers = producers;
    // partition -1: the producer picks the partition by key, whatever the source topic's partition count
    this.recoverer = new DeadLetterPublishingRecoverer(new KafkaTemplate<>(producers),
        (record, exception) -> new TopicPartition(TopicNames.deadLetterOf(record.topic()), -1));
    // The DLQ contract is the text headers below (x-dlq-*, x-original-*), which people and replay tools read;
    // the recoverer's own kafka_dlt-* headers are binary and would say the same again.
    recoverer.excludeHeader(HeaderNames.HeadersToAdd.values());
    recoverer.setWaitForSendResultTimeout(sendTimeout);
  }

  /** Publishes and waits for the broker's acknowledgement; a failure to publish is thrown. */
  public void publish(String consumer, InboundMessage message, String reason, String detail, Throwable cause,
      int attempts) {
    Headers headers = new RecordHeaders(message.headers().toArray());
    add(headers, DeadLetterHeaders.REASON, reason);
    add(headers, DeadLetterHeaders.DETAIL, truncate(detail));
    if (cause != null) {
      add(headers, DeadLetterHeaders.EXCEPTION, cause.getClass().getName());
    }
    add(headers, DeadLetterHeaders.CONSUMER, consumer);
    add(headers, DeadLetterHeaders.ATTEMPTS, Integer.toString(attempts));
    add(headers, DeadLetterHeaders.ORIGINAL_TOPIC, message.topic());
    add(headers, DeadLetterHeaders.ORIGINAL_PARTITION, Integer.toString(message.partition()));
    add(headers, DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(message.offset()));
    byte[] key = message.key() == null ? null : message.key().getBytes(StandardCharsets.UTF_8);
    // The binder hands the core a batch message, not ConsumerRecords: the record is rebuilt from its parts.
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(message.topic(), message.partition(),
        message.offset(), ConsumerRecord.NO_TIMESTAMP, TimestampType.NO_TIMESTAMP_TYPE, ConsumerRecord.NULL_SIZE,
        ConsumerRecord.NULL_SIZE, key, message.payload(), headers, Optional.empty());
    recoverer.accept(record, null, cause instanceof Exception e ? e : new IllegalStateException(detail, cause));
    log.warn("dead-lettered {}-{}@{} to {}: consumer={} reason={} attempts={} detail={}", message.topic(),
        message.partition(), message.offset(), TopicNames.deadLetterOf(message.topic()), consumer, reason, attempts,
        truncate(detail));
  }

  /** Closes the producer, flushing what it still holds. */
  @Override
  public void destroy() {
    producers.reset();
  }

  private static void add(Headers headers, String name, String value) {
    headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  private static String truncate(String detail) {
    String text = detail == null ? "" : detail;
    return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "...";
  }
}
