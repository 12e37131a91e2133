package app.photobomb.ops.benchmarks;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.ScaleWorkersRequested;
import app.photobomb.ops.common.events.WorkersScaled;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.EmbeddedServers;
import app.photobomb.ops.testsupport.ServerEndpoints;
import app.photobomb.ops.testsupport.ServerPorts;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The messaging core against what the hardware gives, in one run on the local servers: raw Kafka
 * produce-to-consume, raw PostgreSQL inserts of the same rows, and this project's command in -> inbox + state +
 * outbox -> Debezium relay -> event out, as throughput (a backlog drained) and as latency at a steady rate.
 * Sizes by environment: BENCH_EVENTS (100000), BENCH_WARMUP_EVENTS (2000), BENCH_RATE (the target, 10000 per
 * second), BENCH_LIGHT_RATE (0.15 of the raw PostgreSQL rate of the run, the goal's), BENCH_SECONDS per steady phase (10), BENCH_CONCURRENCY (2),
 * BENCH_MAX_POLL_RECORDS (2000).
 */
public final class MessagingBenchmark {

  private static final double LIGHT_SHARE = 0.15;

  private MessagingBenchmark() {
  }

  public static void main(String[] args) throws SQLException, IOException {
    int events = BenchEnv.integer("BENCH_EVENTS", 100_000);
    int rate = BenchEnv.integer("BENCH_RATE", 10_000);
    int seconds = BenchEnv.integer("BENCH_SECONDS", 10);
    PrintStream out = System.out;
    PayloadCodec codec = new PayloadCodec();
    byte[] command = codec.encode(new ScaleWorkersRequested("thumbnail-worker", "photobomb", 20, "backlog", "bench"))
        .getBytes(StandardCharsets.UTF_8);
    String event = codec.encode(new WorkersScaled("thumbnail-worker", "photobomb", 3, 20, "backlog"));

    Path work = Files.createTempDirectory("photobomb-messaging-bench");
    try (EmbeddedServers servers = EmbeddedServers.start(ServerPorts.ANY_FREE, null)) {
      ServerEndpoints endpoints = servers.endpoints();
      out.printf("servers up; %d events per phase, latency at %d/s for %d s%n", events, rate, seconds);

      Rate kafka = RawBaselines.kafka(endpoints.kafkaBootstrapServers(), "raw-kafka-baseline", events, command);
      out.printf("raw Kafka produce->consume      %,10.0f events/s%n", kafka.perSecond());

      String rawUrl = BenchDatabases.migrated(endpoints, "bench_raw");
      Rate postgres = RawBaselines.postgres(rawUrl + "?reWriteBatchedInserts=true", endpoints.postgresUser(),
          endpoints.postgresPassword(), events, 500, event);
      out.printf("raw PostgreSQL inserts (3 rows) %,10.0f events/s%n", postgres.perSecond());

      try (ConfigurableApplicationContext service = startService(endpoints,
          BenchDatabases.migrated(endpoints, "bench_pipeline"), work)) {
        service.getBean(JdbcTemplate.class).execute(BenchmarkApplication.STATE_TABLE);
        PipelineLoad load = new PipelineLoad(endpoints.kafkaBootstrapServers(), MessageCatalog.SCALE_WORKERS_REQUESTED,
            MessageCatalog.WORKERS_SCALED, command);
        load.warmUp(BenchEnv.integer("BENCH_WARMUP_EVENTS", 2_000));
        long cpuBefore = processCpuNanos();
        PipelineLoad.Result backlog = load.backlog(events);
        double cpuMicrosPerEvent = (processCpuNanos() - cpuBefore) / 1_000.0 / events;
        out.printf("photobomb-ops, backlog drained  %,10.0f events/s  (p50 %.0f ms, p99 %.0f ms: queueing)%n",
            backlog.rate().perSecond(), backlog.latencies().percentileMillis(50),
            backlog.latencies().percentileMillis(99));
        // CPU time is what the code costs even when other processes take the cores: compare it across versions
        out.printf("  JVM CPU per event drained %,10.1f us (services, relay, broker and load generator)%n",
            cpuMicrosPerEvent);
        out.printf("  of which handled into the outbox %,10.0f events/s%n",
            handledPerSecond(endpoints.kafkaBootstrapServers(), MessageCatalog.WORKERS_SCALED.topic(), "p2-"));
        Timer batches = service.getBean(MeterRegistry.class).get("photobomb.messages.batch").timer();
        out.printf("  consumer batches: %d, mean %.1f ms, mean size %.0f records%n", batches.count(),
            batches.mean(TimeUnit.MILLISECONDS),
            service.getBean(MeterRegistry.class).get("photobomb.messages.handled").counter().count() / batches.count());
        // the performance goal's rate: 0.15 of the raw PostgreSQL baseline of this run
        int light = BenchEnv.integer("BENCH_LIGHT_RATE", (int) Math.round(LIGHT_SHARE * postgres.perSecond()));
        double lightP99 = 0;
        for (int offered : new int[] {rate, light}) {
          PipelineLoad.Result steady = load.steady(offered, seconds);
          out.printf("photobomb-ops, offered %,6d/s %,10.0f events/s  p50 %.0f ms  p99 %.0f ms%n", offered,
              steady.rate().perSecond(), steady.latencies().percentileMillis(50),
              steady.latencies().percentileMillis(99));
          lightP99 = steady.latencies().percentileMillis(99);
        }
        PipelineLoad.Result relay = load.relayOnly(events, service.getBean(JdbcTemplate.class), event);
        out.printf("relay alone (outbox rows -> Kafka) %,10.0f events/s%n", relay.rate().perSecond());
        out.printf("ratios: pipeline/raw Kafka %.2f, pipeline/raw PostgreSQL %.2f%n",
            backlog.rate().perSecond() / kafka.perSecond(), backlog.rate().perSecond() / postgres.perSecond());
        double share = backlog.rate().perSecond() / postgres.perSecond();
        out.printf("goals: backlog / raw PostgreSQL %.2f (goal >= 0.25, %s); p99 at %,d/s (%.2f of raw PostgreSQL) %.0f ms "
            + "(goal <= 1,000 ms, %s)%n", share, share >= 0.25 ? "met" : "not met", light,
            light / postgres.perSecond(), lightP99, lightP99 <= 1000 ? "met" : "not met");
      }
    } finally {
      BenchEnv.deleteTree(work);
    }
    out.println("finished " + Instant.now());
    System.exit(0);
  }


  /** CPU time of this JVM's threads so far (the broker, relay, consumers and load generator all run in it). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static ConfigurableApplicationContext startService(ServerEndpoints endpoints, String jdbcUrl, Path work) {
    Map<String, Object> properties = BenchServiceSettings.of(endpoints, jdbcUrl + "?reWriteBatchedInserts=true", work);
    properties.putAll(Map.ofEntries(
        Map.entry("spring.config.name", "benchmark"),
        // What every service's own configuration imports: the ops migrations' Flyway run, binder defaults.
        Map.entry("spring.config.import", "classpath:photobomb-service-defaults.yml"),
        Map.entry("spring.application.name", "benchmark"),
        Map.entry("spring.cloud.function.definition", "scaleWorkersRequested"),
        Map.entry("spring.cloud.stream.bindings.scaleWorkersRequested-in-0.destination", "scale-workers-requested"),
        Map.entry("spring.cloud.stream.bindings.scaleWorkersRequested-in-0.group", "benchmark"),
        Map.entry("spring.cloud.stream.bindings.scaleWorkersRequested-in-0.content-type", "application/octet-stream"),
        Map.entry("spring.cloud.stream.bindings.scaleWorkersRequested-in-0.consumer.batch-mode", true),
        Map.entry("spring.cloud.stream.bindings.scaleWorkersRequested-in-0.consumer.max-attempts", 1),
        Map.entry("spring.cloud.stream.bindings.scaleWorkersRequested-in-0.consumer.concurrency",
            BenchEnv.integer("BENCH_CONCURRENCY", 2)),
        Map.entry("spring.cloud.stream.kafka.bindings.scaleWorkersRequested-in-0.consumer.configuration.max.poll.records",
            BenchEnv.integer("BENCH_MAX_POLL_RECORDS", 2000)),
        Map.entry("spring.cloud.stream.kafka.bindings.scaleWorkersRequested-in-0.consumer.configuration.fetch.min.bytes",
            65536),
        Map.entry("spring.cloud.stream.kafka.bindings.scaleWorkersRequested-in-0.consumer.configuration.fetch.max.wait.ms",
            20),
        Map.entry("spring.cloud.stream.kafka.binder.header-mapper-bean-name",
            System.getenv().getOrDefault("BENCH_HEADER_MAPPER", "photobombHeaderMapper")),
        Map.entry("photobomb.outbox-relay.enabled", true),
        Map.entry("photobomb.outbox-relay.slot-name", "bench_outbox"),
        Map.entry("photobomb.outbox-relay.offsets-topic", "bench-outbox-relay-offsets"),
        Map.entry("logging.level.root", "WARN"),
        Map.entry("logging.level.app.photobomb", "INFO")));
    // Arguments, not default properties: they must outrank the imported defaults.
    return new SpringApplicationBuilder(BenchmarkApplication.class).run(BenchServiceSettings.arguments(properties));
  }

  /** How fast the handlers committed a phase's events, from their ce_time (when the handler wrote them). */
  private static double handledPerSecond(String bootstrapServers, String topic, String correlationPrefix) {
    try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
      LongSummaryStatistics written = kafka.readAll(topic).stream()
          .filter(r -> String.valueOf(KafkaTestClient.header(r, CloudEventHeaders.CORRELATION_ID))
              .startsWith(correlationPrefix))
          .mapToLong(r -> Instant.parse(KafkaTestClient.header(r, CloudEventHeaders.TIME)).toEpochMilli())
          .summaryStatistics();
      return written.getCount() / Math.max((written.getMax() - written.getMin()) / 1000.0, 0.001);
    }
  }
}
