package app.photobomb.ops.benchmarks;

import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Sends numbered commands into a running service and times each until its event comes out of the relay; the
 * command's correlation id (copied onto the event) carries the number.
 */
final class PipelineLoad {

  /** Throughput over the phase and the latency of each event. */
  record Result(Rate rate, Latencies latencies) {
  }

  private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(5);

  private final String bootstrapServers;
  private final MessageType<?> commandType;
  private final String eventTopic;
  private final byte[] payload;
  private final AtomicInteger phases = new AtomicInteger();

  PipelineLoad(String bootstrapServers, MessageType<?> commandType, MessageType<?> eventType, byte[] payload) {
    this.bootstrapServers = bootstrapServers;
    this.commandType = commandType;
    this.eventTopic = eventType.topic();
    this.payload = payload;
  }

  void warmUp(int events) {
    backlog(events);
  }

  /** Sends all commands at once and measures how fast the backlog turns into events. */
  Result backlog(int events) {
    return run(events, index -> { });
  }

  /** Sends commands at a steady rate for some seconds; latencies then show the pipeline, not a queue. */
  Result steady(int perSecond, int seconds) {
    long interval = 1_000_000_000L / perSecond;
    long[] start = {0};
    return run(perSecond * seconds, index -> {
      if (index == 0) {
        start[0] = System.nanoTime();
      }
      long due = start[0] + index * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    });
  }

  private Result run(int events, IntConsumer pace) {
    try (KafkaProducer<String, byte[]> producer = producer()) {
      return measure(events, (index, correlationId) -> {
        pace.accept(index);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(commandType.topic(), "worker-" + (index % 64),
            payload);
        headers(record, correlationId);
        producer.send(record);
      }, producer::flush);
    }
  }

  /** Writes events straight into the outbox, in transactions of 1000, to time the relay alone. */
  Result relayOnly(int events, JdbcTemplate jdbc, String eventJson) {
    List<Object[]> rows = new ArrayList<>();
    Runnable flush = () -> {
      jdbc.batchUpdate("INSERT INTO outbox (id, topic, aggregate_id, type, source, payload, correlation_id) "
          + "VALUES (?::uuid, ?, ?, 'app.photobomb.WorkersScaled', 'urn:photobomb-ops:benchmark', ?::jsonb, ?)", rows);
      rows.clear();
    };
    return measure(events, (index, correlationId) -> {
      rows.add(new Object[] {UUID.randomUUID().toString(), eventTopic, "worker-" + (index % 64), eventJson,
          correlationId});
      if (rows.size() == 1000) {
        flush.run();
      }
    }, flush);
  }

  private Result measure(int events, BiConsumer<Integer, String> send, Runnable flush) {
    String phase = "p" + phases.incrementAndGet() + "-";
    Latencies latencies = new Latencies(events);
    AtomicInteger seen = new AtomicInteger();
    AtomicBoolean listening = new AtomicBoolean(false);
    long[] lastSeen = {0};
    Thread watcher = new Thread(() -> watch(phase, latencies, seen, listening, lastSeen, events), "event-watcher");
    watcher.start();
    while (!listening.get()) {
      Thread.onSpinWait();
    }
    long started = System.nanoTime();
    for (int i = 0; i < events; i++) {
      latencies.sent(i, System.nanoTime());
      send.accept(i, phase + i);
    }
    flush.run();
    try {
      watcher.join(PHASE_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (seen.get() < events) {
      throw new IllegalStateException("only " + seen.get() + " of " + events + " events came out in " + PHASE_TIMEOUT);
    }
    return new Result(new Rate(events, lastSeen[0] - started), latencies);
  }

  private void watch(String phase, Latencies latencies, AtomicInteger seen, AtomicBoolean listening, long[] lastSeen,
      int events) {
    long deadline = System.nanoTime() + PHASE_TIMEOUT.toNanos();
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = List.of();
      while (partitions.isEmpty() && System.nanoTime() < deadline) {
        // the first metadata request creates the topic; its partitions show a moment later
        partitions = consumer.partitionsFor(eventTopic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(eventTopic, p.partition())).toList();
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      listening.set(true);
      while (seen.get() < events && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
          long now = System.nanoTime();
          Header correlation = record.headers().lastHeader(CloudEventHeaders.CORRELATION_ID);
          String id = correlation == null ? "" : new String(correlation.value(), StandardCharsets.UTF_8);
          if (id.startsWith(phase) && latencies.seen(Integer.parseInt(id.substring(phase.length())), now)) {
            seen.incrementAndGet();
            lastSeen[0] = now;
          }
        }
      }
    } finally {
      listening.set(true);
    }
  }

  private void headers(ProducerRecord<String, byte[]> record, String correlationId) {
    CloudEventHeaders.forCommand(commandType, UUID.randomUUID().toString(), "urn:photobomb:api",
        record.key(), correlationId)
        .forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
  }

  private KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.LINGER_MS_CONFIG, 2));
  }

  private KafkaConsumer<String, byte[]> consumer() {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "benchmark-watcher-" + UUID.randomUUID(),
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
  }
}
