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
 * A thumbnail-worker removed by a scale-down, as Kubernetes removes it: the worker runs in a JVM of its own and gets a
 * real SIGTERM ({@link Process#destroy()}) in the middle of a job of a reprocess batch that came in over Kafka to the
 * reprocess-service (this test's context). It finishes the job in hand, or returns it when the job outlasts its
 * shutdown grace, takes no other, and exits by itself; another worker does the rest, every job done once.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(classes = ReprocessServiceApplication.class, properties = {
    "spring.config.name=" + ReprocessServiceApplication.CONFIG_NAME,
    "photobomb.reprocess.enqueue-interval=200ms",
    "photobomb.reprocess.report-interval=200ms",
    "photobomb.reprocess.progress-interval=1s",
    "photobomb.reprocess.reaper-interval=500ms"})
class ScaleDownEndToEndTest {

  private static final String DATABASE = "thumbnail_scale_down";
  private static final String BATCH_QUEUE = "batch_processing_queue";
  private static final int PHOTOS = 3;
  /** 128 + 15: the JVM ended by SIGTERM after its shutdown hooks ran, not by SIGKILL (137). */
  private static final int EXIT_ON_SIGTERM = 143;
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
    registry.add("photobomb.storage.local.link-secret", () -> "scale-down-test-link-secret");
    b2 = new FakeB2Server(Files.createDirectories(objects.resolve("b2"))).start();
    b2.createBucket(ORIGINALS);
    b2.createBucket(THUMBNAILS);
  }

  @AfterAll
  static void stopB2() {
    b2.close();
  }

  @Test
  void sigtermMidJobFinishesTheJobInHandTakesNoOtherAndExits() throws Exception {
    List<UUID> photos = photos();
    // The enqueuer queues by photo id, so the worker takes the first photo first; its largest thumbnail is held.
    UUID first = firstInQueueOrder(photos);
    FakeB2Server.UploadPause held = b2.pauseNextUploadOf(ThumbnailSpec.key(first, 1024));
    Path log = objects.resolve("finishing-worker.log");
    Process worker = startWorkerProcess(log, Map.of("photobomb.worker.id", "scale-down-finishing"));
    try (KafkaTestClient kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers())) {
      UUID batchId = sendBatch(kafka, photos);
      await().atMost(WAIT).until(() -> held.arrived() || !worker.isAlive());
      assertThat(worker.isAlive()).as("the worker is in the middle of its job (its log: %s)", log).isTrue();

      assertThat(worker.supportsNormalTermination()).as("destroy() sends SIGTERM").isTrue();
      worker.destroy();
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(worker::isAlive);
      assertThat(job(first)).as("the job in hand is still being done").containsEntry("status", "running")
          .containsEntry("worker", "scale-down-finishing-1");
      held.release();

      assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("exits by itself within its shutdown grace").isTrue();
      assertThat(worker.exitValue()).isEqualTo(EXIT_ON_SIGTERM);
      assertThat(job(first)).containsEntry("status", "done").containsEntry("attempts", 1)
          .containsEntry("result", "{\"sizes\": [256, 512, 1024], \"specVersion\": 1}");
      assertThat(photos.stream().filter(photo -> !photo.equals(first)).map(this::job))
          .as("no job is taken after the signal").allSatisfy(row -> assertThat(row)
              .containsEntry("status", "queued").containsEntry("attempts", 0));
      assertThat(redis.hasKey(JobQueues.workerKey("scale-down-finishing-1"))).as("heartbeat withdrawn").isFalse();
      assertThat(redis.opsForList().size(JobQueues.processingList(BATCH_QUEUE, "scale-down-finishing-1"))).isZero();

      completeWithAnotherWorker(kafka, batchId, photos);
    } finally {
      held.release();
      worker.destroyForcibly();
    }
  }

  @Test
  void jobOutlastingTheShutdownGraceIsReturnedAndDoneOnceByAnotherWorker() throws Exception {
    List<UUID> photos = photos();
    UUID first = firstInQueueOrder(photos);
    FakeB2Server.UploadPause held = b2.pauseNextUploadOf(ThumbnailSpec.key(first, 1024));
    Path log = objects.resolve("returning-worker.log");
    // a lease far longer than the test, so that only the worker's own return can put the job back in time
    Process worker = startWorkerProcess(log, Map.of("photobomb.worker.id", "scale-down-returning",
        "photobomb.worker.shutdown-grace", "2s", "photobomb.worker.lease", "10m"));
    try (KafkaTestClient kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers())) {
      UUID batchId = sendBatch(kafka, photos);
      await().atMost(WAIT).until(() -> held.arrived() || !worker.isAlive());
      assertThat(worker.isAlive()).as("the worker is in the middle of its job (its log: %s)", log).isTrue();
      long jobId = jdbc.queryForObject("SELECT job_id FROM processing_jobs WHERE photo_id = ?", Long.class, first);

      worker.destroy();
      assertThat(worker.waitFor(20, TimeUnit.SECONDS))
          .as("exits by itself after its grace of 2 s, the held job unfinished (its log: %s)", log).isTrue();
      assertThat(worker.exitValue()).isEqualTo(EXIT_ON_SIGTERM);
      assertThat(job(first)).as("returned: queued again, its unfinished attempt not counted")
          .containsEntry("status", "queued").containsEntry("attempts", 0).containsEntry("worker", null);
      assertThat(redis.opsForList().range(BATCH_QUEUE, 0, -1)).contains(String.valueOf(jobId));
      assertThat(redis.opsForList().size(JobQueues.processingList(BATCH_QUEUE, "scale-down-returning-1"))).isZero();
      // the dead worker's upload lands now; no row points at it, and it commits nothing
      held.release();

      completeWithAnotherWorker(kafka, batchId, photos);
      assertThat(jdbc.queryForObject("SELECT count(*) FROM photo_files WHERE photo_id = ? AND kind LIKE 'thumb_%'",
          Integer.class, first)).isEqualTo(3);
    } finally {
      held.release();
      worker.destroyForcibly();
    }
  }

  @Test
  void sigtermDuringAnIdleWaitLeavesTheNextItemToAnotherWorker() throws Exception {
    String queue = "scale_down_idle_queue";
    UUID userId = user();
    UUID photo = photo(userId, 40);
    long jobId = jdbc.queryForObject("""
        INSERT INTO processing_jobs (upload_id, job_type, priority, idempotency_key, photo_id, queue, max_attempts)
        VALUES (?, 'reprocess_thumbnails', 10, ?, ?, ?, 3) RETURNING job_id""", Long.class, UUID.randomUUID(),
        "reprocess_thumbnails:" + photo + ":idle", photo, queue);
    Path log = objects.resolve("idle-worker.log");
    // a long BLMOVE wait, so that the item arrives while the stopping worker still waits on the queue
    Process worker = startWorkerProcess(log, Map.of("photobomb.worker.id", "scale-down-idle",
        "photobomb.worker.queues", queue, "photobomb.worker.poll-timeout", "10s"));
    try {
      await().atMost(WAIT).until(() -> logged(log, "thumbnail-worker scale-down-idle takes") || !worker.isAlive());
      worker.destroy();
      await().atMost(WAIT).until(() -> logged(log, "stopping: finishing the jobs in hand") || !worker.isAlive());
      redis.opsForList().rightPush(queue, String.valueOf(jobId));

      assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("exits by itself (its log: %s)", log).isTrue();
      assertThat(jdbc.queryForMap("SELECT status, attempts FROM processing_jobs WHERE job_id = ?", jobId))
          .as("not taken after the signal").containsEntry("status", "queued").containsEntry("attempts", 0);
      assertThat(redis.opsForList().range(queue, 0, -1)).containsExactly(String.valueOf(jobId));

      List<String> arguments = new ArrayList<>(workerArguments(Map.of("photobomb.worker.queues", queue)));
      try (ConfigurableApplicationContext other = ThumbnailWorkerApplication.application()
          .run(arguments.toArray(String[]::new))) {
        await().atMost(WAIT).until(() -> "done".equals(jdbc.queryForObject(
            "SELECT status FROM processing_jobs WHERE job_id = ?", String.class, jobId)));
      }
      assertThat(jdbc.queryForObject("SELECT attempts FROM processing_jobs WHERE job_id = ?", Integer.class, jobId))
          .isEqualTo(1);
    } finally {
      worker.destroyForcibly();
      redis.delete(queue);
    }
  }

  /** A second worker (this JVM) does what is left; the batch completes with every job done by one attempt. */
  private void completeWithAnotherWorker(KafkaTestClient kafka, UUID batchId, List<UUID> photos) throws Exception {
    try (ConfigurableApplicationContext other = ThumbnailWorkerApplication.application()
        .run(workerArguments(Map.of()).toArray(String[]::new))) {
      ConsumerRecord<String, byte[]> completed = kafka.await(MessageCatalog.REPROCESS_BATCH_COMPLETED.topic(),
          r -> batchId.toString().equals(r.key()), WAIT);
      ReprocessBatchCompleted outcome = codec.decode(MessageCatalog.REPROCESS_BATCH_COMPLETED, completed.value());
      assertThat(outcome.done()).isEqualTo(PHOTOS);
      assertThat(outcome.failed()).isZero();
    }
    assertThat(photos.stream().map(this::job)).as("every job done, each by one attempt").allSatisfy(row ->
        assertThat(row).containsEntry("status", "done").containsEntry("attempts", 1));
    List<String> keys = photos.stream().map(UUID::toString).toList();
    assertThat(kafka.readAll(MessageCatalog.THUMBNAILS_REGENERATED.topic())).extracting(ConsumerRecord::key)
        .filteredOn(keys::contains).as("one thumbnails-regenerated a photo").containsExactlyInAnyOrderElementsOf(keys);
  }

  private UUID sendBatch(KafkaTestClient kafka, List<UUID> photos) throws Exception {
    UUID userId = jdbc.queryForObject("SELECT user_id FROM photos WHERE photo_id = ?", UUID.class, photos.get(0));
    UUID batchId = UUID.randomUUID();
    kafka.send(MessageCatalog.REPROCESS_BATCH.topic(), batchId.toString(),
        TestCommands.headers(MessageCatalog.REPROCESS_BATCH, UUID.randomUUID().toString(), batchId.toString(), null),
        codec.encode(new ReprocessBatch(batchId, "reprocess_thumbnails", null, List.of(userId), null, null,
            "operator")).getBytes(StandardCharsets.UTF_8));
    return batchId;
  }

  /** The photo whose job is queued first: PostgreSQL orders uuids bytewise, Java's compareTo by signed longs. */
  private UUID firstInQueueOrder(List<UUID> photos) {
    return jdbc.queryForObject("SELECT photo_id FROM photos WHERE photo_id = ANY (?) ORDER BY photo_id LIMIT 1",
        UUID.class, (Object) photos.toArray(UUID[]::new));
  }

  private Map<String, Object> job(UUID photoId) {
    return jdbc.queryForMap("SELECT status, attempts, worker, result::text AS result FROM processing_jobs"
        + " WHERE photo_id = ?", photoId);
  }

  private List<UUID> photos() throws IOException {
    UUID userId = user();
    List<UUID> photos = new ArrayList<>();
    for (int i = 0; i < PHOTOS; i++) {
      photos.add(photo(userId, i));
    }
    return photos;
  }

  private UUID user() {
    UUID userId = UUID.randomUUID();
    jdbc.update("INSERT INTO users (user_id, email) VALUES (?, ?)", userId, userId + "@example.com");
    return userId;
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

  private static boolean logged(Path log, String line) throws IOException {
    return Files.exists(log) && Files.readString(log).contains(line);
  }

  /** A worker as deployed, with a short lease (the others' deaths are noticed within seconds) and these overrides. */
  private static List<String> workerArguments(Map<String, String> overrides) {
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
    settings.putAll(overrides);
    return settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
  }

  private static Process startWorkerProcess(Path log, Map<String, String> overrides) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), ThumbnailWorkerApplication.class.getName()));
    command.addAll(workerArguments(overrides));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
