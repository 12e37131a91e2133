package app.photobomb.ops.thumbnail;

import static app.photobomb.ops.thumbnail.WorkerFixtures.ORIGINALS;
import static app.photobomb.ops.thumbnail.WorkerFixtures.THUMBNAILS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.ReprocessBatch;
import app.photobomb.ops.common.events.ReprocessBatchCompleted;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.TestCommands;
import app.photobomb.ops.common.thumbnails.ThumbnailSpec;
import app.photobomb.ops.reprocess.ReprocessServiceApplication;
import app.photobomb.ops.storage.b2.FakeB2Server;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.testsupport.ServerEndpoints;
import app.photobomb.ops.thumbnail.queue.JobQueues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole chain with a worker that dies: one reprocess-batch in over Kafka, the reprocess-service (this test's
 * context) queues the jobs, a thumbnail-worker in a JVM of its own claims the first and is killed with SIGKILL in the
 * middle of it; its lease runs out, the service's reaper queues the job again, and a second worker does it and the
 * rest. The batch completes with every job done once.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(classes = ReprocessServiceApplication.class, properties = {
    "spring.config.name=" + ReprocessServiceApplication.CONFIG_NAME,
    "photobomb.reprocess.enqueue-interval=200ms",
    "photobomb.reprocess.report-interval=200ms",
    "photobomb.reprocess.progress-interval=1s",
    "photobomb.reprocess.reaper-interval=500ms"})
class KilledWorkerEndToEndTest {

  private static final String DATABASE = "thumbnail_killed_worker";
  private static final int PHOTOS = 3;
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir
  static Path objects;
  private static FakeB2Server b2;

  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  PayloadCodec codec;
  @Autowired
  StringRedisTemplate redis;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) throws IOException {
    RealServers.register(registry, DATABASE, DatabaseRole.REPROCESS);
    // object-storage is on this module's class path, so the service's context gets a (local) store it does not use
    registry.add("photobomb.storage.local.root", () -> objects.resolve("unused-local").toString());
    registry.add("photobomb.storage.local.link-secret", () -> "killed-worker-test-link-secret");
    b2 = new FakeB2Server(Files.createDirectories(objects.resolve("b2"))).start();
    b2.createBucket(ORIGINALS);
    b2.createBucket(THUMBNAILS);
  }

  @AfterAll
  static void stopB2() {
    b2.close();
  }

  @Test
  void jobOfAWorkerKilledMidJobIsDoneOnceByAnotherAndTheBatchCompletes() throws Exception {
    UUID userId = UUID.randomUUID();
    jdbc.update("INSERT INTO users (user_id, email) VALUES (?, ?)", userId, userId + "@example.com");
    List<UUID> photos = new ArrayList<>();
    for (int i = 0; i < PHOTOS; i++) {
      photos.add(photo(userId, i));
    }
    // The enqueuer queues by photo id, so the first worker takes the smallest; its largest thumbnail is held.
    UUID first = photos.stream().min(UUID::compareTo).orElseThrow();
    FakeB2Server.UploadPause held = b2.pauseNextUploadOf(ThumbnailSpec.key(first, 1024));

    Process killed = startWorkerProcess(objects.resolve("killed-worker.log"));
    try (KafkaTestClient kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers())) {
      UUID batchId = UUID.randomUUID();
      kafka.send(MessageCatalog.REPROCESS_BATCH.topic(), batchId.toString(),
          TestCommands.headers(MessageCatalog.REPROCESS_BATCH, UUID.randomUUID().toString(), batchId.toString(), null),
          codec.encode(new ReprocessBatch(batchId, "reprocess_thumbnails", null, List.of(userId), null, null,
              "operator")).getBytes(StandardCharsets.UTF_8));

      await().atMost(WAIT).until(() -> held.arrived() || !killed.isAlive());
      assertThat(killed.isAlive()).as("the first worker is up and in the middle of its job (its log: %s)",
          objects.resolve("killed-worker.log")).isTrue();
      String deadWorker = jdbc.queryForObject("SELECT worker FROM processing_jobs WHERE photo_id = ? AND status = "
          + "'running'", String.class, first);
      killed.destroyForcibly();
      assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
      held.release();

      try (ConfigurableApplicationContext second = ThumbnailWorkerApplication.application()
          .run(workerArguments().toArray(String[]::new))) {
        ConsumerRecord<String, byte[]> completed = kafka.await(MessageCatalog.REPROCESS_BATCH_COMPLETED.topic(),
            r -> batchId.toString().equals(r.key()), WAIT);
        ReprocessBatchCompleted outcome = codec.decode(MessageCatalog.REPROCESS_BATCH_COMPLETED, completed.value());
        assertThat(outcome.done()).isEqualTo(PHOTOS);
        assertThat(outcome.failed()).isZero();
      }

      Map<String, Object> job = jdbc.queryForMap("SELECT status, attempts, worker, last_error FROM processing_jobs"
          + " WHERE photo_id = ?", first);
      assertThat(job.get("status")).isEqualTo("done");
      assertThat(job.get("attempts")).as("once by the killed worker, once by the other").isEqualTo(2);
      assertThat(jdbc.queryForObject("SELECT count(*) FROM processing_jobs WHERE photo_id = ANY (?) AND status = "
          + "'done'", Integer.class, (Object) photos.toArray(UUID[]::new))).isEqualTo(PHOTOS);
      // the broker is shared with the other tests of this JVM (ScaleDownEndToEndTest's batches), so only these photos
      List<String> keys = photos.stream().map(UUID::toString).toList();
      assertThat(kafka.readAll(MessageCatalog.THUMBNAILS_REGENERATED.topic())).extracting(ConsumerRecord::key)
          .filteredOn(keys::contains).as("one thumbnails-regenerated a photo, the killed worker's included")
          .containsExactlyInAnyOrderElementsOf(keys);
      assertThat(jdbc.queryForObject("SELECT count(*) FROM photo_files WHERE photo_id = ? AND kind LIKE 'thumb_%'",
          Integer.class, first)).isEqualTo(3);
      assertThat(redis.opsForList().size(JobQueues.processingList("batch_processing_queue", deadWorker)))
          .as("the dead worker's processing list was emptied").isZero();
    } finally {
      killed.destroyForcibly();
    }
  }

  private UUID photo(UUID userId, int seed) throws IOException {
    UUID photoId = UUID.randomUUID();
    jdbc.update("""
        INSERT INTO photos (photo_id, user_id, upload_id, original_filename, content_type, width, height, processed_at)
        VALUES (?, ?, ?, 'IMG.jpg', 'image/jpeg', 1600, 1200, now() - interval '3 years')""",
        photoId, userId, UUID.randomUUID());
    byte[] original = WorkerFixtures.jpeg(seed, 1600, 1200);
    String key = "originals/" + userId + "/" + photoId + ".jpg";
    b2.seed(ORIGINALS, key, original);
    jdbc.update("""
        INSERT INTO photo_files (photo_id, user_id, kind, provider, bucket, object_key, size_bytes)
        VALUES (?, ?, 'original', 'b2', ?, ?, ?)""", photoId, userId, ORIGINALS, key, original.length);
    return photoId;
  }

  /** A worker as deployed, with a short lease so that its death is noticed within seconds. */
  private static List<String> workerArguments() {
    ServerEndpoints endpoints = RealServers.endpoints();
    Map<String, String> settings = new LinkedHashMap<>(b2.originalsStoreSettings(2));
    settings.put("spring.datasource.url", RealServers.photobombDatabase(DATABASE));
    settings.put("spring.datasource.username", DatabaseRole.THUMBNAIL.roleName());
    settings.put("spring.datasource.password", DatabaseRole.THUMBNAIL.password());
    settings.put("spring.flyway.user", DatabaseRole.MIGRATOR.roleName());
    settings.put("spring.flyway.password", DatabaseRole.MIGRATOR.password());
    settings.put("spring.kafka.bootstrap-servers", endpoints.kafkaBootstrapServers());
    settings.put("spring.data.redis.url", endpoints.redisUrl());
    settings.put("photobomb.worker.lease", "3s");
    settings.put("photobomb.worker.migration-target", "none");
    settings.put("server.port", "0");
    return settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
  }

  private static Process startWorkerProcess(Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), ThumbnailWorkerApplication.class.getName()));
    command.addAll(workerArguments());
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
