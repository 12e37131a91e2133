package app.photobomb.ops.benchmarks;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the hardware gives without this project: bare Kafka produce-to-consume, bare PostgreSQL inserts. */
final class RawBaselines {

  private RawBaselines() {
  }

  /** Produces the records and consumes them back with one consumer; the span is first send to last receive. */
  static Rate kafka(String bootstrapServers, String topic, int events, byte[] payload) {
    Map<String, Object> producerConfig = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5);
    Map<String, Object> consumerConfig = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "raw-baseline",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
      producer.send(new ProducerRecord<>(topic, "warm-up", payload));
      producer.flush();
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      long started = System.nanoTime();
      Thread sender = new Thread(() -> {
        for (int i = 0; i < events; i++) {
          ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, "worker-" + (i % 64), payload);
          record.headers().add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
          producer.send(record);
        }
        producer.flush();
      }, "raw-kafka-producer");
      sender.start();
      long received = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (received < events && System.nanoTime() < deadline) {
        received += consumer.poll(Duration.ofMillis(100)).count();
      }
      return new Rate(received, System.nanoTime() - started);
    }
  }

  /** Inserts, per event, the rows the pipeline writes (inbox, state, outbox), in transactions of batchSize. */
  static Rate postgres(String jdbcUrl, String user, String password, int events, int batchSize, String payloadJson)
      throws SQLException {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
      connection.createStatement().execute(BenchmarkApplication.STATE_TABLE);
      connection.setAutoCommit(false);
      try (PreparedStatement inbox = connection.prepareStatement(
              "INSERT INTO inbox (consumer, message_source, message_id, message_type) "
                  + "VALUES ('raw', 'urn:photobomb:api', ?, 'app.photobomb.ScaleWorkersRequested')");
          PreparedStatement state = connection.prepareStatement(
              "INSERT INTO bench_scale_requests (message_id, deployment, replicas) VALUES (?, ?, ?)");
          PreparedStatement outbox = connection.prepareStatement("""
              INSERT INTO outbox (id, topic, aggregate_id, type, source, payload, correlation_id, causation_id, ce_time)
              VALUES (?, 'raw-workers-scaled', ?, 'app.photobomb.WorkersScaled', 'urn:bench', ?::jsonb, ?, ?, ?)""")) {
        long started = System.nanoTime();
        for (int i = 0; i < events; i++) {
          String id = UUID.randomUUID().toString();
          String deployment = "worker-" + (i % 64);
          inbox.setString(1, id);
          inbox.addBatch();
          state.setString(1, id);
          state.setString(2, deployment);
          state.setInt(3, 20);
          state.addBatch();
          outbox.setObject(1, UUID.randomUUID());
          outbox.setString(2, deployment);
          outbox.setString(3, payloadJson);
          outbox.setString(4, id);
          outbox.setString(5, id);
          outbox.setString(6, Instant.now().toString());
          outbox.addBatch();
          if ((i + 1) % batchSize == 0 || i == events - 1) {
            inbox.executeBatch();
            state.executeBatch();
            outbox.executeBatch();
            connection.commit();
          }
        }
        return new Rate(events, System.nanoTime() - started);
      }
    }
  }
}
