package app.photobomb.ops.cli.dlq;

import app.photobomb.ops.common.messaging.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Names a topic's DLQ as DeadLetterPublisher does, and reads every dead letter on it, from the earliest to the end. */
final class DlqTopics {

  static final String SUFFIX = TopicNames.deadLetterOf("");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private DlqTopics() {
  }

  /** {@code user-export-requested} or {@code user-export-requested.dlq}, with the prefix of a shared cluster. */
  static String dlqOf(String topic, String prefix) {
    String named = topic.endsWith(SUFFIX) ? topic : TopicNames.deadLetterOf(topic);
    return named.startsWith(prefix) ? named : prefix + named;
  }

  /** The dead letters now on the DLQ, ordered by time then partition and offset; none when the topic does not exist. */
  static List<DeadLetter> read(Properties kafka, String dlqTopic) {
    Properties config = new Properties();
    config.putAll(kafka);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<DeadLetter> letters = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<PartitionInfo> infos = consumer.listTopics(TIMEOUT).getOrDefault(dlqTopic, List.of());
      List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(dlqTopic, p.partition())).toList();
      if (partitions.isEmpty()) {
        return letters;
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + dlqTopic + " to its end within " + TIMEOUT);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
            letters.add(DeadLetter.of(record));
          }
        }
      }
    }
    letters.sort(Comparator.comparing(DeadLetter::time).thenComparing(DeadLetter::partition)
        .thenComparing(DeadLetter::offset));
    return letters;
  }
}
