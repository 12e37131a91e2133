package app.photobomb.ops.common.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaTemplate;

/** Sends a record that cannot be handled to {@code <topic>.dlq}, unchanged, with why in its headers. */
public class DeadLetterPublisher implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);
  private static final int MAX_DETAIL = 4000;

  private final KafkaTemplate<byte[], byte[]> template;
  private final Duration sendTimeout;

  public DeadLetterPublisher(KafkaTemplate<byte[], byte[]> template, Duration sendTimeout) {
    this.template = template;
    this.sendTimeout = sendTimeout;
  }

  /** Publishes and waits for the broker's acknowledgement, so the source offset is committed only after. */
  public void publish(String consumer, InboundMessage message, String reason, String detail, Throwable cause,
      int attempts) {
    String dlqTopic = TopicNames.deadLetterOf(message.topic());
    byte[] key = message.key() == null ? null : message.key().getBytes(StandardCharsets.UTF_8);
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(dlqTopic, key, message.payload());
    Headers headers = record.headers();
    message.headers().forEach((name, value) -> headers.add(name, bytes(value)));
    headers.add(DeadLetterHeaders.REASON, bytes(reason));
    headers.add(DeadLetterHeaders.DETAIL, bytes(truncate(detail)));
    if (cause != null) {
      headers.add(DeadLetterHeaders.EXCEPTION, bytes(cause.getClass().getName()));
    }
    headers.add(DeadLetterHeaders.CONSUMER, bytes(consumer));
    headers.add(DeadLetterHeaders.ATTEMPTS, bytes(Integer.toString(attempts)));
    headers.add(DeadLetterHeaders.ORIGINAL_TOPIC, bytes(message.topic()));
    headers.add(DeadLetterHeaders.ORIGINAL_PARTITION, bytes(Integer.toString(message.partition())));
    headers.add(DeadLetterHeaders.ORIGINAL_OFFSET, bytes(Long.toString(message.offset())));
    try {
      template.send(record).get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while dead-lettering to " + dlqTopic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("could not dead-letter to " + dlqTopic, e);
    }
    log.warn("dead-lettered {}-{}@{} to {}: consumer={} reason={} attempts={} detail={}", message.topic(),
        message.partition(), message.offset(), dlqTopic, consumer, reason, attempts, truncate(detail));
  }

  /** Closes the producer, flushing what it still holds. */
  @Override
  public void destroy() {
    template.getProducerFactory().reset();
  }

  private static String truncate(String detail) {
    String text = detail == null ? "" : detail;
    return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "...";
  }

  private static byte[] bytes(String value) {
    return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
  }
}
