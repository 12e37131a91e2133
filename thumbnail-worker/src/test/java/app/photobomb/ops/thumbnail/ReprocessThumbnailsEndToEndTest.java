package app.photobomb.ops.thumbnail;

import static app.photobomb.ops.thumbnail.WorkerFixtures.ORIGINALS;
import static app.photobomb.ops.thumbnail.WorkerFixtures.SIZES;
import static app.photobomb.ops.thumbnail.WorkerFixtures.THUMBNAILS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.ObjectVersion;
import app.photobomb.ops.common.thumbnails.ThumbnailSpec;
import app.photobomb.ops.storage.b2.FakeB2Server;
import app.photobomb.ops.storage.config.ObjectStorageAutoConfiguration;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.thumbnail.worker.JobWorker;
import io.micrometer.core.instrument.MeterRegistry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * reprocess_thumbnails through the real path: a job row and its item on Redis in, the worker (one slot, its own
 * role) renders from a real JPEG original in B2 (the fake B2 server), and the effect is in PostgreSQL and in B2.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(properties = {"spring.config.name=" + ThumbnailWorkerApplication.CONFIG_NAME,
    "photobomb.worker.queues=reprocess_high,reprocess_batch", "photobomb.worker.migration-target=none"})
class ReprocessThumbnailsEndToEndTest {

  private static final String DATABASE = "thumbnail_reprocess";
  private static final String HIGH = "reprocess_high";
  private static final String BATCH = "reprocess_batch";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  static Path objects;
  private static FakeB2Server b2;

  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  @Qualifier(ObjectStorageAutoConfiguration.ORIGINALS)
  ObjectStore store;
  @Autowired
  StringRedisTemplate redis;
  @Autowired
  JobWorker worker;
  @Autowired
  MeterRegistry meters;
  private WorkerFixtures fixtures;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) throws IOException {
    RealServers.register(registry, DATABASE, DatabaseRole.THUMBNAIL);
    b2 = new FakeB2Server(Files.createDirectories(objects.resolve("b2"))).start();
    b2.createBucket(ORIGINALS);
    b2.createBucket(THUMBNAILS);
    b2.originalsStoreSettings(2).forEach((key, value) -> registry.add(key, () -> value));
  }

  @AfterAll
  static void stopB2() {
    b2.close();
  }

  @BeforeEach
  void fixtures() {
    fixtures = new WorkerFixtures(jdbc, store);
  }

  @Test
  void regeneratedThumbnailsReplaceTheOldOnesInOneCommit() throws IOException {
    UUID userId = fixtures.user();
    UUID photoId = fixtures.photo(userId, WorkerFixtures.jpeg(1, 1600, 1200));
    Timestamp before = processedAt(photoId);
    Map<Integer, String> oldVersions = thumbnailFileIds(photoId);

    long jobId = fixtures.job("reprocess_thumbnails", photoId, BATCH, 3);
    redis.opsForList().rightPush(BATCH, String.valueOf(jobId));

    await().atMost(WAIT).until(() -> fixtures.status(jobId).equals("done"));
    Map<String, Object> job = fixtures.jobRow(jobId);
    assertThat(job.get("result")).isEqualTo("{\"sizes\": [256, 512, 1024], \"specVersion\": 1}");
    assertThat(job.get("attempts")).isEqualTo(1);
    assertThat(job.get("worker")).isNull();
    assertThat(processedAt(photoId)).isAfter(before);
    for (int size : SIZES) {
      String key = ThumbnailSpec.key(photoId, size);
      Map<String, Object> row = jdbc.queryForMap("SELECT provider, bucket, object_key, file_id, size_bytes, sha256 "
          + "FROM photo_files WHERE photo_id = ? AND kind = ?", photoId, ThumbnailSpec.kind(size));
      List<ObjectVersion> versions = store.listVersions(THUMBNAILS, key, null, 10).versions();
      assertThat(versions).as("only the new version of " + key + " is left").singleElement()
          .satisfies(version -> assertThat(version.versionId()).isEqualTo(row.get("file_id"))
              .isNotEqualTo(oldVersions.get(size)));
      byte[] webp;
      try (InputStream in = store.get(THUMBNAILS, key)) {
        webp = in.readAllBytes();
      }
      BufferedImage thumbnail = ImageIO.read(new java.io.ByteArrayInputStream(webp));
      assertThat(thumbnail).as("a decodable WebP at " + key).isNotNull();
      assertThat(thumbnail.getWidth()).isEqualTo(size);
      assertThat(thumbnail.getHeight()).isEqualTo(size * 3 / 4);
      assertThat(row).containsEntry("provider", "b2").containsEntry("bucket", THUMBNAILS)
          .containsEntry("object_key", key).containsEntry("size_bytes", (long) webp.length)
          .containsEntry("sha256", sha256(webp));
    }
    assertThat(WorkerFixtures.inProcessingLists(redis, List.of(HIGH, BATCH), worker.workerIds())).isZero();
  }

  @Test
  void storageOutageIsWaitedOutWithoutUsingUpTheJobsAttempts() {
    UUID userId = fixtures.user();
    UUID photoId = fixtures.photo(userId, WorkerFixtures.jpeg(2, 800, 600));
    long jobId = fixtures.job("reprocess_thumbnails", photoId, BATCH, 3);
    b2.unavailable(true);
    try {
      int before = b2.totalCalls();
      redis.opsForList().rightPush(BATCH, String.valueOf(jobId));
      // long enough for more tries than the job has attempts (the fault suite saw three used up within a second)
      await().atMost(WAIT).until(() -> b2.totalCalls() >= before + 8);
      assertThat(fixtures.status(jobId)).isIn("queued", "running");
    } finally {
      b2.unavailable(false);
    }

    await().atMost(WAIT).until(() -> fixtures.status(jobId).equals("done"));
    assertThat(fixtures.jobRow(jobId).get("attempts")).as("the outage's tries are not counted").isEqualTo(1);
    assertThat(thumbnailFileIds(photoId)).hasSize(SIZES.size());
  }

  @Test
  void interactiveJobBehindTenThousandBatchJobsIsTakenNext() {
    UUID userId = fixtures.user();
    UUID held = fixtures.photo(userId, WorkerFixtures.jpeg(2, 1600, 1200));
    UUID upload = fixtures.photo(userId, WorkerFixtures.jpeg(3, 1600, 1200));
    FakeB2Server.UploadPause pause = b2.pauseNextUploadOf(ThumbnailSpec.key(held, 1024));
    long heldJob = fixtures.job("reprocess_thumbnails", held, BATCH, 3);
    redis.opsForList().rightPush(BATCH, String.valueOf(heldJob));
    await().atMost(WAIT).until(pause::arrived);

    UUID batchId = UUID.randomUUID();
    List<String> batch = jdbc.queryForList("""
        INSERT INTO processing_jobs (upload_id, job_type, priority, idempotency_key, photo_id, queue, batch_id)
        SELECT gen_random_uuid(), 'reprocess_thumbnails', 10, 'bulk:' || n || ':' || ?, gen_random_uuid(), ?, ?
          FROM generate_series(1, 10000) AS n
        RETURNING job_id::text""", String.class, batchId.toString(), BATCH, batchId);
    redis.opsForList().rightPushAll(BATCH, batch);
    long interactive = fixtures.job("reprocess_thumbnails", upload, HIGH, 3);
    redis.opsForList().rightPush(HIGH, String.valueOf(interactive));
    pause.release();

    try {
      await().atMost(WAIT).until(() -> fixtures.status(interactive).equals("done"));
      assertThat(fixtures.status(heldJob)).isEqualTo("done");
      assertThat(jdbc.queryForObject("""
          SELECT count(*) FROM processing_jobs
           WHERE batch_id = ? AND finished_at <= (SELECT finished_at FROM processing_jobs WHERE job_id = ?)""",
          Long.class, batchId, interactive)).as("batch jobs finished before the interactive one").isZero();
    } finally {
      redis.delete(BATCH);
      jdbc.update("UPDATE processing_jobs SET status = 'cancelled' WHERE batch_id = ? AND status = 'queued'", batchId);
    }
  }

  @Test
  void poisonImageFailsAfterItsAttemptsWhileTheOtherJobsComplete() {
    UUID userId = fixtures.user();
    UUID poison = fixtures.photo(userId, "this is no JPEG at all".getBytes(StandardCharsets.UTF_8));
    List<UUID> good = List.of(fixtures.photo(userId, WorkerFixtures.jpeg(4, 1200, 1600)),
        fixtures.photo(userId, WorkerFixtures.jpeg(5, 1600, 1200)));
    long poisonJob = fixtures.job("reprocess_thumbnails", poison, BATCH, 3);
    List<Long> goodJobs = new ArrayList<>();
    redis.opsForList().rightPush(BATCH, String.valueOf(poisonJob));
    for (UUID photo : good) {
      long jobId = fixtures.job("reprocess_thumbnails", photo, BATCH, 3);
      goodJobs.add(jobId);
      redis.opsForList().rightPush(BATCH, String.valueOf(jobId));
    }

    await().atMost(WAIT).until(() -> fixtures.status(poisonJob).equals("failed"));
    await().atMost(WAIT).until(() -> goodJobs.stream().allMatch(job -> fixtures.status(job).equals("done")));
    Map<String, Object> failed = fixtures.jobRow(poisonJob);
    assertThat(failed.get("attempts")).isEqualTo(3);
    assertThat((String) failed.get("last_error"))
        .startsWith("original_undecodable: " + ORIGINALS + "/originals/" + userId + "/" + poison + ".jpg");
    assertThat(redis.opsForList().size(BATCH)).isZero();
    assertThat(thumbnailFileIds(poison)).as("the poison photo keeps its old thumbnails").hasSize(3);
  }

  @Test
  void duplicatedQueueItemsDoTheWorkOnce() {
    UUID photoId = fixtures.photo(fixtures.user(), WorkerFixtures.jpeg(6, 1600, 1200));
    long jobId = fixtures.job("reprocess_thumbnails", photoId, BATCH, 3);
    String item = String.valueOf(jobId);
    redis.opsForList().rightPushAll(BATCH, item, item, item);
    redis.opsForList().rightPush(HIGH, item);

    await().atMost(WAIT).until(() -> fixtures.status(jobId).equals("done"));
    await().atMost(WAIT).until(() -> redis.opsForList().size(BATCH) == 0 && redis.opsForList().size(HIGH) == 0
        && WorkerFixtures.inProcessingLists(redis, List.of(HIGH, BATCH), worker.workerIds()) == 0);
    assertThat(fixtures.jobRow(jobId).get("attempts")).isEqualTo(1);
    for (int size : SIZES) {
      assertThat(store.listVersions(THUMBNAILS, ThumbnailSpec.key(photoId, size), null, 10).versions())
          .as("one render, one version").hasSize(1);
    }
  }

  @Test
  void itemWhoseClaimFailsIsDroppedFromTheProcessingList() {
    UUID photoId = fixtures.photo(fixtures.user(), WorkerFixtures.jpeg(7, 1600, 1200));
    long cancelled = fixtures.job("reprocess_thumbnails", photoId, BATCH, 3);
    jdbc.update("UPDATE processing_jobs SET status = 'cancelled' WHERE job_id = ?", cancelled);
    Map<Integer, String> before = thumbnailFileIds(photoId);
    double duplicates = counted("photobomb.worker.items", "outcome", "duplicate");

    redis.opsForList().rightPushAll(BATCH, String.valueOf(cancelled), "987654321");

    await().atMost(WAIT).until(() -> counted("photobomb.worker.items", "outcome", "duplicate") >= duplicates + 2);
    await().atMost(WAIT).until(() -> redis.opsForList().size(BATCH) == 0
        && WorkerFixtures.inProcessingLists(redis, List.of(HIGH, BATCH), worker.workerIds()) == 0);
    assertThat(fixtures.jobRow(cancelled)).containsEntry("status", "cancelled").containsEntry("attempts", 0);
    assertThat(thumbnailFileIds(photoId)).isEqualTo(before);
  }

  @Test
  void photoDeletedMeanwhileIsDoneAndSkippedWithNothingWritten() {
    UUID userId = fixtures.user();
    UUID photoId = fixtures.photo(userId, WorkerFixtures.jpeg(8, 1600, 1200));
    Map<Integer, String> before = thumbnailFileIds(photoId);
    Timestamp processed = processedAt(photoId);
    FakeB2Server.UploadPause pause = b2.pauseNextUploadOf(ThumbnailSpec.key(photoId, 256));
    long jobId = fixtures.job("reprocess_thumbnails", photoId, BATCH, 3);
    redis.opsForList().rightPush(BATCH, String.valueOf(jobId));
    await().atMost(WAIT).until(pause::arrived);

    jdbc.update("UPDATE users SET deleted_at = now() WHERE user_id = ?", userId);
    pause.release();

    await().atMost(WAIT).until(() -> fixtures.status(jobId).equals("done"));
    assertThat(fixtures.jobRow(jobId).get("result")).isEqualTo("{\"skipped\": \"photo_deleted\"}");
    assertThat(thumbnailFileIds(photoId)).isEqualTo(before);
    assertThat(processedAt(photoId)).isEqualTo(processed);
    for (int size : SIZES) {
      assertThat(store.listVersions(THUMBNAILS, ThumbnailSpec.key(photoId, size), null, 10).versions())
          .as("the new thumbnails are removed again").extracting(ObjectVersion::versionId)
          .containsExactly(before.get(size));
    }
  }

  @Test
  void jobWhoseLeaseWasLostMidJobCommitsNothing() {
    UUID photoId = fixtures.photo(fixtures.user(), WorkerFixtures.jpeg(9, 1600, 1200));
    Map<Integer, String> before = thumbnailFileIds(photoId);
    Timestamp processed = processedAt(photoId);
    double lost = counted("photobomb.worker.jobs", "outcome", "lost");
    FakeB2Server.UploadPause pause = b2.pauseNextUploadOf(ThumbnailSpec.key(photoId, 512));
    long jobId = fixtures.job("reprocess_thumbnails", photoId, BATCH, 3);
    redis.opsForList().rightPush(BATCH, String.valueOf(jobId));
    await().atMost(WAIT).until(pause::arrived);

    // what the reaper and a second worker do once the lease expired
    jdbc.update("UPDATE processing_jobs SET worker = 'another-worker', lease_until = now() + interval '1 hour', "
        + "attempts = attempts + 1 WHERE job_id = ?", jobId);
    pause.release();

    await().atMost(WAIT).until(() -> counted("photobomb.worker.jobs", "outcome", "lost") >= lost + 1);
    assertThat(fixtures.jobRow(jobId)).containsEntry("status", "running").containsEntry("worker", "another-worker");
    assertThat(thumbnailFileIds(photoId)).isEqualTo(before);
    assertThat(processedAt(photoId)).isEqualTo(processed);
    for (int size : SIZES) {
      assertThat(store.listVersions(THUMBNAILS, ThumbnailSpec.key(photoId, size), null, 10).versions())
          .extracting(ObjectVersion::versionId).containsExactly(before.get(size));
    }
    assertThat(WorkerFixtures.inProcessingLists(redis, List.of(HIGH, BATCH), worker.workerIds())).isZero();
  }

  private double counted(String name, String tag, String value) {
    return meters.find(name).tag(tag, value).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private Timestamp processedAt(UUID photoId) {
    return jdbc.queryForObject("SELECT processed_at FROM photos WHERE photo_id = ?", Timestamp.class, photoId);
  }

  private Map<Integer, String> thumbnailFileIds(UUID photoId) {
    Map<Integer, String> ids = new java.util.TreeMap<>();
    jdbc.query("SELECT kind, file_id FROM photo_files WHERE photo_id = ? AND kind LIKE 'thumb_%'",
        rs -> {
          ids.put(Integer.parseInt(rs.getString(1).substring("thumb_".length())), rs.getString(2));
        }, photoId);
    return ids;
  }

  private static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
