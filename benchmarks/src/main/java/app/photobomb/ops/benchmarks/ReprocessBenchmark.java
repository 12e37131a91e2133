package app.photobomb.ops.benchmarks;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.ReprocessBatch;
import app.photobomb.ops.common.events.ReprocessBatchAccepted;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.relay.OutboxRelay;
import app.photobomb.ops.relay.OutboxRelaySettings;
import app.photobomb.ops.testsupport.EmbeddedServers;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.ServerEndpoints;
import app.photobomb.ops.testsupport.ServerPorts;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Runbook task 10 at scale: a photobomb database of many photos over many accounts (some soft-deleted), copied
 * once so that both contenders start from identical data. The baseline is the runbook's bare
 * {@code INSERT ... SELECT ... ON CONFLICT (idempotency_key) DO NOTHING} (with the live-account condition, so both
 * queue the same photos) and then a bare pipelined RPUSH of the same job ids to Redis. The contender is the
 * reprocess-service as deployed: its jar in its own JVM with a capped heap, one {@code reprocess-batch} in over
 * Kafka, timed until {@code reprocess-batch-accepted} is out on Kafka (the outbox relay runs in this JVM, as Kafka
 * Connect runs beside the service in production). Then the same batch id again and a new batch id over the same
 * photos, which must queue nothing. Sizes by environment: BENCH_REPROCESS_PHOTOS (1000000),
 * BENCH_REPROCESS_PHOTOS_PER_USER (200), BENCH_REPROCESS_HEAP (256m), BENCH_REPROCESS_PUSH_FLUSH (5000 ids a flush
 * in the baseline), BENCH_REPROCESS_SERVICE_JAR (reprocess-service/target/reprocess-service-*-exec.jar).
 */
public final class ReprocessBenchmark {

  private static final String JOB_TYPE = "reprocess_thumbnails";
  private static final String TARGET = "thumbs-v1";
  private static final String QUEUE = "batch_processing_queue";
  private static final String BASELINE_QUEUE = "baseline_batch_processing_queue";
  private static final Instant CUTOFF = Instant.parse("2024-01-01T00:00:00Z");
  private static final String RUNBOOK_DATABASE = "bench_reprocess_runbook";
  private static final String SERVICE_DATABASE = "bench_reprocess_service";
  private static final int VALUES_PER_RPUSH = 1000;

  private ReprocessBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int photos = BenchEnv.integer("BENCH_REPROCESS_PHOTOS", 1_000_000);
    int perUser = BenchEnv.integer("BENCH_REPROCESS_PHOTOS_PER_USER", 200);
    int flush = BenchEnv.integer("BENCH_REPROCESS_PUSH_FLUSH", 5000);
    String heap = System.getenv().getOrDefault("BENCH_REPROCESS_HEAP", "256m");
    Path jar = ServiceJvm.jar("reprocess-service", "BENCH_REPROCESS_SERVICE_JAR");
    PrintStream out = System.out;
    Path work = Files.createTempDirectory("photobomb-reprocess-bench");
    try (EmbeddedServers servers = EmbeddedServers.start(ServerPorts.ANY_FREE, null);
        RedisClient redisClient = RedisClient.create(servers.endpoints().redisUrl());
        StatefulRedisConnection<String, String> redis = redisClient.connect()) {
      ServerEndpoints endpoints = servers.endpoints();
      long seedStart = System.nanoTime();
      String runbookUrl = BenchDatabases.migrated(endpoints, RUNBOOK_DATABASE);
      int users = Math.max(1, photos / perUser);
      seed(runbookUrl, endpoints, photos, users);
      String serviceUrl = copy(endpoints, RUNBOOK_DATABASE, SERVICE_DATABASE);
      JdbcTemplate runbookDb = jdbc(endpoints, runbookUrl);
      long expected = runbookDb.queryForObject("""
          SELECT count(*) FROM photos p JOIN users u ON u.user_id = p.user_id
          WHERE p.processed_at < ? AND u.deleted_at IS NULL""", Long.class, Timestamp.from(CUTOFF));
      out.printf("seeded in %.1f s: %,d photos of %,d users (every 20th soft-deleted), %,d of them processed before %s"
          + " by a live user; copied to a second database%n", (System.nanoTime() - seedStart) / 1e9, photos, users,
          expected, CUTOFF);

      Baseline baseline = baseline(runbookUrl, endpoints, redis, flush);
      long baselineLength = redis.sync().llen(BASELINE_QUEUE);
      redis.sync().del(BASELINE_QUEUE);
      out.printf("baseline: runbook INSERT ... SELECT ... ON CONFLICT DO NOTHING %7.2f s, then streamed ids and "
          + "pipelined RPUSH (%,d ids a command, %,d a flush) %7.2f s: %7.2f s for %,d jobs, LLEN %,d%n",
          baseline.insertSeconds(), VALUES_PER_RPUSH, flush, baseline.pushSeconds(), baseline.seconds(),
          baseline.jobs(), baselineLength);
      require(baseline.jobs() == expected && baselineLength == expected, "the baseline queued " + baseline.jobs()
          + " jobs and pushed " + baselineLength + ", not " + expected);

      JdbcTemplate serviceDb = jdbc(endpoints, serviceUrl);
      int port = ServiceJvm.freePort();
      Map<String, Object> settings = BenchServiceSettings.of(endpoints, serviceUrl, work);
      settings.put("server.port", port);
      settings.put("spring.data.redis.url", endpoints.redisUrl());
      Path log = Path.of(System.getProperty("java.io.tmpdir"), "photobomb-reprocess-benchmark-service.log");
      try (ServiceJvm service = ServiceJvm.start(jar, List.of("-Xmx" + heap), settings, Map.of(), log);
          OutboxRelay relay = OutboxRelay.start(new OutboxRelaySettings(endpoints.postgresHost(),
              endpoints.postgresPort(), SERVICE_DATABASE, endpoints.postgresUser(), endpoints.postgresPassword(),
              endpoints.kafkaBootstrapServers(), "bench-reprocess-relay-offsets", (short) 1, "bench_reprocess"));
          KafkaTestClient kafka = new KafkaTestClient(endpoints.kafkaBootstrapServers())) {
        service.log().await(service.log().watch(line -> line.contains("Started ReprocessServiceApplication")),
            Duration.ofMinutes(2), "the reprocess-service's start");
        // A long-running service has joined its consumer group and the relay has its topics: a batch of one photo
        // of a soft-deleted account (no job) gets that start-up out of the measured batch.
        UUID deletedPhoto = serviceDb.queryForObject("SELECT p.photo_id FROM photos p JOIN users u ON u.user_id = "
            + "p.user_id WHERE u.deleted_at IS NOT NULL LIMIT 1", UUID.class);
        require(request(kafka, UUID.randomUUID(), List.of(deletedPhoto)).jobCount() == 0,
            "a photo of a soft-deleted account was queued");
        try (HeapWatch heapWatch = HeapWatch.start(port)) {
          UUID batchId = UUID.randomUUID();
          Accepted first = request(kafka, batchId, null);
          long jobs = jobs(serviceDb);
          long length = redis.sync().llen(QUEUE);
          double enqueueSeconds = serviceDb.queryForObject("SELECT extract(epoch FROM enqueued_at - requested_at) "
              + "FROM reprocess_batches WHERE batch_id = ?", Double.class, batchId);
          out.printf("reprocess-service: reprocess-batch sent -> reprocess-batch-accepted on Kafka %7.2f s (the "
              + "batch's own requested -> enqueued %7.2f s): %,d jobs accepted, %,d in processing_jobs, LLEN %s %,d%n",
              first.seconds(), enqueueSeconds, first.jobCount(), jobs, QUEUE, length);
          require(first.jobCount() == expected && jobs == expected && length == expected,
              "the service queued " + jobs + " jobs and pushed " + length + ", not " + expected);

          var repeated = service.log().watch(line -> line.contains("batch " + batchId + " was asked for again"));
          long start = System.nanoTime();
          send(kafka, batchId, null);
          service.log().await(repeated, Duration.ofMinutes(2), "the repeated batch " + batchId);
          double againSeconds = (System.nanoTime() - start) / 1e9;
          require(jobs(serviceDb) == expected && redis.sync().llen(QUEUE) == expected,
              "the same batch id asked again queued more jobs");
          out.printf("the same batchId again: handled in %7.2f s, %,d new jobs, LLEN %,d%n", againSeconds,
              jobs(serviceDb) - expected, redis.sync().llen(QUEUE));

          Accepted overlap = request(kafka, UUID.randomUUID(), null);
          require(overlap.jobCount() == 0 && jobs(serviceDb) == expected && redis.sync().llen(QUEUE) == expected,
              "a new batch over the same photos queued " + overlap.jobCount() + " jobs");
          out.printf("a new batchId over the same photos: accepted in %7.2f s with %,d jobs, LLEN %,d%n",
              overlap.seconds(), overlap.jobCount(), redis.sync().llen(QUEUE));

          long live = heapWatch.maxLiveAfterGc();
          out.printf("reprocess-service heap (-Xmx%s): at most %,d MiB in use, %s (goal <= 256 MiB)%n", heap,
              heapWatch.maxUsed() >> 20, live == 0 ? "no old-generation collection to say what was live"
                  : "at most " + (live >> 20) + " MiB live after a collection");
          out.printf("ratio service / baseline %.2f (goal <= 1.5) for %,d jobs%n", first.seconds() / baseline.seconds(),
              expected);
        }
      }
    } finally {
      BenchEnv.deleteTree(work);
    }
    out.println("finished");
    System.exit(0);
  }

  /**
   * Users with deterministic ids (md5 of a name), every 20th soft-deleted; photos spread over them round robin, one
   * in ten processed after the cutoff, the others before it.
   */
  private static void seed(String url, ServerEndpoints endpoints, int photos, int users) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, endpoints.postgresUser(),
        endpoints.postgresPassword()); Statement sql = connection.createStatement()) {
      sql.execute("SET synchronous_commit = off");
      sql.execute("INSERT INTO users (user_id, email, deleted_at) SELECT md5('user' || u)::uuid, "
          + "'user' || u || '@example.com', CASE WHEN u % 20 = 0 THEN now() - interval '3 days' END "
          + "FROM generate_series(1, " + users + ") u");
      sql.execute("INSERT INTO photos (photo_id, user_id, upload_id, original_filename, content_type, width, height,"
          + " taken_at, uploaded_at, processed_at) SELECT md5('photo' || i)::uuid, md5('user' || (i % " + users
          + " + 1))::uuid, md5('upload' || i)::uuid, 'IMG_' || i || '.jpg', 'image/jpeg', 4032, 3024,"
          + " timestamptz '2022-01-01' + i * interval '1 minute', timestamptz '2022-01-01' + i * interval '1 minute',"
          + " CASE WHEN i % 10 = 0 THEN timestamptz '2024-06-01' ELSE timestamptz '2023-01-01' + (i % 365) * interval"
          + " '1 day' END FROM generate_series(1, " + photos + ") i");
      sql.execute("VACUUM ANALYZE");
    }
  }

  /** An identical copy of the seeded database (a file copy of it, as the template of a new one). */
  private static String copy(ServerEndpoints endpoints, String from, String to) throws SQLException {
    try (Connection admin = DriverManager.getConnection(endpoints.jdbcUrl("postgres"), endpoints.postgresUser(),
        endpoints.postgresPassword()); Statement sql = admin.createStatement()) {
      sql.execute("CREATE DATABASE " + to + " TEMPLATE " + from + " STRATEGY FILE_COPY");
    }
    return endpoints.jdbcUrl(to);
  }

  /** The runbook's statement, then every job id read back in id order (a cursor) and pushed as it comes. */
  private static Baseline baseline(String url, ServerEndpoints endpoints,
      StatefulRedisConnection<String, String> redis, int flush) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, endpoints.postgresUser(),
        endpoints.postgresPassword()); Statement sql = connection.createStatement()) {
      long start = System.nanoTime();
      int inserted = sql.executeUpdate("INSERT INTO processing_jobs (upload_id, job_type, priority, idempotency_key)"
          + " SELECT p.upload_id, '" + JOB_TYPE + "', 10, '" + JOB_TYPE + ":' || p.photo_id || ':" + TARGET + "'"
          + " FROM photos p JOIN users u ON u.user_id = p.user_id"
          + " WHERE p.processed_at < '" + CUTOFF + "' AND u.deleted_at IS NULL"
          + " ON CONFLICT (idempotency_key) DO NOTHING");
      long inserting = System.nanoTime() - start;
      connection.setAutoCommit(false);
      sql.setFetchSize(flush);
      RedisAsyncCommands<String, String> async = redis.async();
      redis.setAutoFlushCommands(false);
      try (ResultSet ids = sql.executeQuery("SELECT job_id FROM processing_jobs ORDER BY job_id")) {
        List<String> command = new ArrayList<>(VALUES_PER_RPUSH);
        List<RedisFuture<Long>> pending = new ArrayList<>();
        int inFlush = 0;
        while (ids.next()) {
          command.add(Long.toString(ids.getLong(1)));
          inFlush++;
          if (command.size() == VALUES_PER_RPUSH) {
            pending.add(async.rpush(BASELINE_QUEUE, command.toArray(String[]::new)));
            command.clear();
          }
          if (inFlush == flush) {
            flush(redis, pending);
            inFlush = 0;
          }
        }
        if (!command.isEmpty()) {
          pending.add(async.rpush(BASELINE_QUEUE, command.toArray(String[]::new)));
        }
        flush(redis, pending);
      } finally {
        redis.setAutoFlushCommands(true);
      }
      connection.commit();
      long total = System.nanoTime() - start;
      return new Baseline(inserted, inserting / 1e9, (total - inserting) / 1e9, total / 1e9);
    }
  }

  private static void flush(StatefulRedisConnection<String, String> redis, List<RedisFuture<Long>> pending) {
    redis.flushCommands();
    if (!LettuceFutures.awaitAll(30, TimeUnit.SECONDS, pending.toArray(RedisFuture[]::new))) {
      throw new IllegalStateException("Redis did not answer a pipelined flush within 30 s");
    }
    pending.clear();
  }

  /** Sends a batch (the given photos, or every photo processed before the cutoff) and awaits its acceptance. */
  private static Accepted request(KafkaTestClient kafka, UUID batchId, List<UUID> photoIds) {
    long sent = send(kafka, batchId, photoIds);
    ConsumerRecord<String, byte[]> record = kafka.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED.topic(),
        r -> batchId.toString().equals(r.key()), Duration.ofMinutes(15));
    ReprocessBatchAccepted accepted = new PayloadCodec().decode(MessageCatalog.REPROCESS_BATCH_ACCEPTED,
        record.value());
    // The relay's producer stamps the record when it sends it: the moment the event is out.
    return new Accepted(accepted.jobCount(), (record.timestamp() - sent) / 1000.0);
  }

  /** Publishes the command as an operator's CLI does; returns when the broker had it, in epoch milliseconds. */
  private static long send(KafkaTestClient kafka, UUID batchId, List<UUID> photoIds) {
    String id = UUID.randomUUID().toString();
    ReprocessBatch command = new ReprocessBatch(batchId, JOB_TYPE, photoIds == null ? CUTOFF : null, null, photoIds,
        null, "benchmark");
    long sent = System.currentTimeMillis();
    kafka.send(MessageCatalog.REPROCESS_BATCH.topic(), batchId.toString(),
        CloudEventHeaders.forCommand(MessageCatalog.REPROCESS_BATCH, id, "urn:photobomb-ops:cli", batchId.toString(),
            id),
        new PayloadCodec().encode(command).getBytes(StandardCharsets.UTF_8));
    return sent;
  }

  private static long jobs(JdbcTemplate jdbc) {
    return jdbc.queryForObject("SELECT count(*) FROM processing_jobs", Long.class);
  }

  private static JdbcTemplate jdbc(ServerEndpoints endpoints, String url) {
    return new JdbcTemplate(new DriverManagerDataSource(url, endpoints.postgresUser(), endpoints.postgresPassword()));
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  private record Baseline(long jobs, double insertSeconds, double pushSeconds, double seconds) {
  }

  private record Accepted(long jobCount, double seconds) {
  }
}
