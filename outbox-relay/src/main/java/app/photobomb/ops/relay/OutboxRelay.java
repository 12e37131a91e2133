package app.photobomb.ops.relay;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.schema.SchemaFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes committed outbox rows to Kafka with the Debezium embedded engine: the Postgres connector reads the
 * outbox inserts from the write-ahead log (pgoutput), the Outbox Event Router turns each row into a record on
 * its topic with CloudEvents headers, and this class sends them. The engine's offset is stored in a Kafka topic
 * only after Kafka acknowledged the batch, so a crash republishes (consumers drop the duplicate by ce_id) but
 * never loses; the replication slot keeps the position too, so a relay whose offsets are gone resumes where the
 * slot was last confirmed instead of replaying or skipping. An engine stopped by an error (Kafka unreachable for
 * longer than a send may take) is started again.
 */
public final class OutboxRelay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final String CONFIG = "outbox-relay.properties";
  private static final SchemaFactory HEARTBEATS = SchemaFactory.get();

  private static final long RESTART_DELAY_SECONDS = 5;
  private static final Duration FIRST_START_TIMEOUT = Duration.ofSeconds(60);

  private final OutboxRelaySettings settings;
  private final RelayTopics topics;
  private volatile KafkaProducer<byte[], byte[]> producer;
  private final ScheduledExecutorService executor;
  private final CountDownLatch firstTaskStarted = new CountDownLatch(1);
  private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private volatile boolean closed;

  private OutboxRelay(OutboxRelaySettings settings) {
    this.settings = settings;
    this.producer = new KafkaProducer<>(producerConfig(settings.bootstrapServers()));
    this.topics = new RelayTopics(settings.bootstrapServers());
    this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "outbox-relay-" + settings.databaseName());
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Starts relaying in a background thread and returns once the connector's task runs, that is once the
   * replication slot exists: a transaction committed after this returns is relayed even though the outbox keeps
   * no rows. An engine that stops on an error is started again.
   */
  public static OutboxRelay start(OutboxRelaySettings settings) {
    OutboxRelay relay = new OutboxRelay(settings);
    relay.executor.execute(relay::run);
    try {
      if (!relay.firstTaskStarted.await(FIRST_START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("outbox relay not streaming after {}; it keeps trying: database={} slot={}", FIRST_START_TIMEOUT,
            settings.databaseName(), settings.slotName());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("outbox relay started: database={} slot={} kafka={}", settings.databaseName(), settings.slotName(),
        settings.bootstrapServers());
    return relay;
  }

  /** Runs one engine until it stops; unless the relay is closing, schedules the next one from the stored offset. */
  private void run() {
    if (closed) {
      return;
    }
    engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
        .using(engineConfig(settings))
        .notifying(this::publish)
        .using(new DebeziumEngine.ConnectorCallback() {
          @Override
          public void taskStarted() {
            firstTaskStarted.countDown();
          }
        })
        .using((success, message, error) -> {
          if (!success && !closed) {
            log.error("outbox relay stopped, restarting in {} s: {}", RESTART_DELAY_SECONDS, message, error);
          }
        })
        .build();
    engine.run();
    if (!closed) {
      executor.schedule(this::run, RESTART_DELAY_SECONDS, TimeUnit.SECONDS);
    }
  }

  /** The relay's Debezium configuration: the shared connector keys plus this instance's endpoints. */
  public static Properties engineConfig(OutboxRelaySettings settings) {
    Properties config = connectorConfig();
    config.setProperty("name", "photobomb-outbox-relay-" + settings.databaseName());
    config.setProperty("database.hostname", settings.databaseHost());
    config.setProperty("database.port", Integer.toString(settings.databasePort()));
    config.setProperty("database.dbname", settings.databaseName());
    config.setProperty("database.user", settings.user());
    config.setProperty("database.password", settings.password() == null ? "" : settings.password());
    config.setProperty("slot.name", settings.slotName());
    // Offsets in Kafka, as Kafka Connect keeps them: they survive the machine, unlike a file in the temp directory.
    config.setProperty("offset.storage", KafkaOffsetBackingStore.class.getName());
    config.setProperty("bootstrap.servers", settings.bootstrapServers());
    config.setProperty("offset.storage.topic", settings.offsetsTopic());
    config.setProperty("offset.storage.partitions", "1");
    config.setProperty("offset.storage.replication.factor", Short.toString(settings.offsetsReplicationFactor()));
    config.setProperty("offset.flush.interval.ms", "1000");
    return config;
  }

  /** The connector keys shared with the Kafka Connect deployment (outbox-relay.properties). */
  public static Properties connectorConfig() {
    Properties config = new Properties();
    try (InputStream in = OutboxRelay.class.getClassLoader().getResourceAsStream(CONFIG)) {
      if (in == null) {
        throw new IllegalStateException(CONFIG + " is not on the class path");
      }
      config.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return config;
  }

  private void publish(List<RecordChangeEvent<SourceRecord>> batch,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
    List<Future<RecordMetadata>> sends = new ArrayList<>(batch.size());
    for (RecordChangeEvent<SourceRecord> event : batch) {
      SourceRecord record = event.record();
      // A heartbeat only moves the position forward, which marking it processed does.
      if (record.topic() != null && record.value() != null && !HEARTBEATS.isHeartBeatSchema(record.valueSchema())) {
        topics.ensure(record.topic());
        sends.add(producer.send(toProducerRecord(record)));
      }
    }
    try {
      for (Future<RecordMetadata> send : sends) {
        send.get();
      }
    } catch (ExecutionException e) {
      // A producer whose idempotence state Kafka rejected would fail again; the next engine gets a fresh one.
      replaceProducer();
      // Not marking the batch processed makes the engine stop; on restart it resumes from the last stored offset.
      throw new IllegalStateException("Kafka did not take a relayed outbox batch", e.getCause());
    }
    for (RecordChangeEvent<SourceRecord> event : batch) {
      committer.markProcessed(event);
    }
    committer.markBatchFinished();
  }

  private static ProducerRecord<byte[], byte[]> toProducerRecord(SourceRecord record) {
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(record.topic(), null, bytes(record.key()),
        bytes(record.value()));
    for (Header header : record.headers()) {
      if (header.value() != null) {
        out.headers().add(header.key(), bytes(header.value()));
      }
    }
    return out;
  }

  private static byte[] bytes(Object value) {
    return value == null ? null : value.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void replaceProducer() {
    KafkaProducer<byte[], byte[]> failed = producer;
    producer = new KafkaProducer<>(producerConfig(settings.bootstrapServers()));
    failed.close(Duration.ZERO);
  }

  private static Properties producerConfig(String bootstrapServers) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    // A batch Kafka does not take within this fails and the engine restarts from its offset, instead of waiting
    // the default two minutes while every later event waits behind it.
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    return config;
  }

  @Override
  public void close() {
    closed = true;
    try {
      if (engine != null) {
        engine.close();
      }
    } catch (IOException e) {
      log.warn("outbox relay did not close cleanly", e);
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("outbox relay engine still running after 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
    topics.close();
  }
}
