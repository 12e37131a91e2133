package app.photobomb.ops.cli.follow;

import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes one command with its CloudEvents headers and returns once the broker has acknowledged it. */
final class CommandPublisher {

  /** ce_source of every command the CLI publishes (the services accept it). */
  static final String SOURCE = "urn:photobomb-ops:cli";
  private static final int ACK_TIMEOUT_SECONDS = 30;

  private final Properties kafka;

  CommandPublisher(Properties kafka) {
    this.kafka = kafka;
  }

  /** Sends and waits for the acknowledgement; returns the headers sent (ce_time among them). */
  Map<String, String> publish(String topic, MessageType<?> type, String key, String id, byte[] payload) {
    Properties config = new Properties();
    config.putAll(kafka);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "photobomb-ops-cli");
    // an unreachable cluster must end the command within the ack timeout, not hang it
    config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "25000");
    // the correlation id is the command's own ce_id: every answer carries it
    Map<String, String> headers = CloudEventHeaders.forCommand(type, id, SOURCE, key, id);
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, payload);
    headers.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
      producer.send(record).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("publishing to " + topic + " failed: "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing to " + topic, e);
    }
    return headers;
  }
}
