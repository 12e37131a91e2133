package app.photobomb.ops.localstack;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The events that answer a command sent from the command line: every message on any topic that carries the
 * command's correlation id, until one that ends it (a completion or failure) or the wait runs out. This is how
 * {@code send} shows, for instance, the download link of an export.
 */
final class CommandAnswers {

  /** Event names that end a command's conversation. */
  private static final Pattern FINAL =
      Pattern.compile(".*(Completed|Failed|RolledBack|HardDeleted|Restored|Purged|Scaled)$");

  private CommandAnswers() {
  }

  /** One answer: its topic, message name and JSON payload. */
  record Answer(String topic, String name, String json) {

    boolean isFinal() {
      return FINAL.matcher(name).matches();
    }
  }

  /**
   * Collects (and hands to {@code each}) the answers to a correlation id until a final one, giving up after
   * {@code wait} without any answer: a long batch that keeps reporting progress is followed to its end.
   */
  static List<Answer> await(String bootstrapServers, String correlationId, Duration wait, Consumer<Answer> each) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "local-stack-cli-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<Answer> answers = new ArrayList<>();
    // A rebalance (a new topic matching the pattern) re-reads from the earliest offset, and a relay may publish an
    // event twice: each answer is shown once, by its ce_id.
    java.util.Set<String> seen = new java.util.HashSet<>();
    long deadline = System.nanoTime() + wait.toNanos();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
      consumer.subscribe(Pattern.compile(String.join("|",
          MessageCatalog.ALL.stream().map(t -> Pattern.quote(t.topic())).toList())));
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
          Header correlation = record.headers().lastHeader(CloudEventHeaders.CORRELATION_ID);
          Header id = record.headers().lastHeader(CloudEventHeaders.ID);
          if (correlation == null || !correlationId.equals(text(correlation))
              || id != null && (correlationId.equals(text(id)) || !seen.add(text(id)))) {
            continue;
          }
          Answer answer = new Answer(record.topic(), nameOf(record.topic()),
              new String(record.value(), StandardCharsets.UTF_8));
          answers.add(answer);
          each.accept(answer);
          deadline = System.nanoTime() + wait.toNanos();
          if (answer.isFinal()) {
            return answers;
          }
        }
      }
    }
    return answers;
  }

  private static String nameOf(String topic) {
    return MessageCatalog.ALL.stream().filter(t -> t.topic().equals(topic)).map(MessageType::name).findFirst()
        .orElse(topic);
  }

  private static String text(Header header) {
    return new String(header.value(), StandardCharsets.UTF_8);
  }
}
