package app.photobomb.ops.reprocess;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.ReprocessBatch;
import app.photobomb.ops.common.events.ReprocessBatchAccepted;
import app.photobomb.ops.common.events.ReprocessBatchCancelled;
import app.photobomb.ops.common.events.ReprocessBatchCompleted;
import app.photobomb.ops.common.events.ReprocessBatchFailed;
import app.photobomb.ops.common.events.ReprocessBatchProgressed;
import app.photobomb.ops.common.events.ThumbnailsRegenerated;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Reprocessing batches over the real broker, database and Redis: commands in over Kafka, jobs in processing_jobs and
 * items on the Redis queue, workers played by SQL (as the worker contract has them write), events out.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(properties = {"spring.config.name=" + ReprocessServiceApplication.CONFIG_NAME,
    "photobomb.reprocess.queues=reprocess_thumbnails=" + ReprocessBatchesEndToEndTest.QUEUE
        + ",migrate_storage=" + ReprocessBatchesEndToEndTest.QUEUE + ",face_detection=e2e_face_queue",
    "photobomb.reprocess.page-size=1000",
    "photobomb.reprocess.max-ids=50",
    "photobomb.reprocess.enqueue-interval=200ms",
    "photobomb.reprocess.report-interval=200ms",
    "photobomb.reprocess.progress-interval=500ms",
    "photobomb.reprocess.reaper-interval=300ms"})
class ReprocessBatchesEndToEndTest {

  static final String QUEUE = "e2e_batch_queue";
  private static final String DATABASE = "reprocess_batches";
  private static final Instant LONG_AGO = Instant.parse("2023-06-01T00:00:00Z");
  private static KafkaTestClient kafka;

  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  PayloadCodec codec;
  @Autowired
  StringRedisTemplate redis;
  @Autowired
  MeterRegistry meters;
  private ReprocessFixture fixture;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, DATABASE, DatabaseRole.REPROCESS);
  }

  @BeforeAll
  static void connect() {
    kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers());
  }

  @AfterAll
  static void disconnect() {
    kafka.close();
  }

  @BeforeEach
  void fixture() {
    fixture = new ReprocessFixture(jdbc, kafka, codec);
  }

  @Test
  void sameBatchTwiceQueuesItsJobsOnceAndAnswersOnce() {
    UUID userId = fixture.user(null);
    fixture.photos(userId, 7, LONG_AGO);
    UUID batchId = UUID.randomUUID();
    ReprocessBatch batch = thumbnails(batchId, List.of(userId));

    fixture.send(MessageCatalog.REPROCESS_BATCH, batch);
    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED, batchId).jobCount()).isEqualTo(7);
    fixture.send(MessageCatalog.REPROCESS_BATCH, batch);
    UUID later = UUID.randomUUID();
    fixture.send(MessageCatalog.REPROCESS_BATCH, thumbnails(later, List.of(fixture.user(null))));
    fixture.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED, later);

    assertThat(fixture.all(MessageCatalog.REPROCESS_BATCH_ACCEPTED, batchId.toString())).hasSize(1);
    assertThat(fixture.all(MessageCatalog.REPROCESS_BATCH_FAILED, batchId.toString())).isEmpty();
    assertThat(fixture.jobs(batchId)).isEqualTo(7);
    assertThat(ReprocessFixture.itemsOf(redis, QUEUE, fixture.jobIds(batchId))).isEqualTo(7);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE action = 'reprocess_batch_queued' "
        + "AND details->>'batch_id' = ?", Integer.class, batchId.toString())).isOne();
    assertThat(jdbc.queryForObject("SELECT details->>'job_count' FROM audit_logs WHERE action = "
        + "'reprocess_batch_queued' AND details->>'batch_id' = ?", String.class, batchId.toString())).isEqualTo("7");
  }

  @Test
  void overlappingBatchQueuesOnlyPhotosNotYetQueuedForTheSameTarget() {
    UUID userId = fixture.user(null);
    List<UUID> photos = fixture.photos(userId, 5, LONG_AGO);
    UUID first = UUID.randomUUID();
    fixture.send(MessageCatalog.REPROCESS_BATCH, new ReprocessBatch(first, "reprocess_thumbnails", null, null,
        photos.subList(0, 3), null, "ops"));
    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED, first).jobCount()).isEqualTo(3);

    UUID second = UUID.randomUUID();
    fixture.send(MessageCatalog.REPROCESS_BATCH, thumbnails(second, List.of(userId)));
    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED, second).jobCount()).isEqualTo(2);

    UUID third = UUID.randomUUID();
    fixture.send(MessageCatalog.REPROCESS_BATCH, new ReprocessBatch(third, "migrate_storage", LONG_AGO.plusSeconds(1),
        List.of(userId), null, 5, "ops"));
    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED, third).jobCount())
        .as("another target: every photo once more").isEqualTo(5);
    assertThat(jdbc.queryForList("SELECT idempotency_key FROM processing_jobs WHERE batch_id = ?", String.class, third))
        .allSatisfy(key -> assertThat(key).startsWith("migrate_storage:").endsWith(":store-r2"));
    assertThat(jdbc.queryForObject("SELECT count(*) FROM processing_jobs WHERE photo_id = ANY (?::uuid[])",
        Long.class, (Object) photos.toArray(UUID[]::new))).isEqualTo(10);
  }

  @Test
  void photoDoneForAnOlderThumbnailSpecIsQueuedAgainAndOneDoneForThisSpecIsNot() {
    UUID userId = fixture.user(null);
    List<UUID> photos = fixture.photos(userId, 2, LONG_AGO);
    // as a run at spec version 0, and one at this deployment's version 1, left them
    doneJob(photos.get(0), "reprocess_thumbnails:" + photos.get(0) + ":thumbs-v0");
    doneJob(photos.get(1), "reprocess_thumbnails:" + photos.get(1) + ":thumbs-v1");

    UUID batchId = UUID.randomUUID();
    fixture.send(MessageCatalog.REPROCESS_BATCH, thumbnails(batchId, List.of(userId)));

    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED, batchId).jobCount()).isEqualTo(1);
    assertThat(jdbc.queryForObject("SELECT photo_id FROM processing_jobs WHERE batch_id = ?", UUID.class, batchId))
        .isEqualTo(photos.get(0));
  }

  @Test
  void failedJobOfAnEarlierBatchGetsAnotherChanceAndADoneOneDoesNot() {
    UUID userId = fixture.user(null);
    fixture.photos(userId, 3, LONG_AGO);
    UUID first = UUID.randomUUID();
    fixture.send(MessageCatalog.REPROCESS_BATCH, thumbnails(first, List.of(userId)));
    fixture.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED, first);
    List<Long> jobs = jdbc.queryForList("SELECT job_id FROM processing_jobs WHERE batch_id = ? ORDER BY job_id",
        Long.class, first);
    finish(jobs.get(0), "failed", null);
    finish(jobs.get(1), "done", "{\"sizes\": [256, 512, 1024]}");
    finish(jobs.get(2), "done", "{\"sizes\": [256, 512, 1024]}");
    fixture.await(MessageCatalog.REPROCESS_BATCH_COMPLETED, first);

    UUID second = UUID.randomUUID();
    fixture.send(MessageCatalog.REPROCESS_BATCH, thumbnails(second, List.of(userId)));

    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED, second).jobCount()).isEqualTo(1);
    assertThat(jdbc.queryForObject("SELECT job_id FROM processing_jobs WHERE batch_id = ?", Long.class, second))
        .isEqualTo(jobs.get(0));
    assertThat(jdbc.queryForObject("SELECT status || '/' || attempts FROM processing_jobs WHERE job_id = ?",
        String.class, jobs.get(0))).isEqualTo("queued/0");
  }

  @Test
  void batchOfTwentyThousandPhotosIsQueuedInPagesOfTheConfiguredSize() {
    UUID userId = fixture.user(null);
    fixture.photos(userId, 20_000, LONG_AGO);
    double pagesBefore = meters.get("photobomb.reprocess.enqueue.pages").counter().count();
    UUID batchId = UUID.randomUUID();

    fixture.send(MessageCatalog.REPROCESS_BATCH, thumbnails(batchId, List.of(userId)));

    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED, batchId).jobCount()).isEqualTo(20_000);
    assertThat(fixture.jobs(batchId)).isEqualTo(20_000);
    Set<Long> jobIds = fixture.jobIds(batchId);
    assertThat(ReprocessFixture.itemsOf(redis, QUEUE, jobIds)).as("one item per job").isEqualTo(20_000);
    assertThat(meters.get("photobomb.reprocess.enqueue.pages").counter().count() - pagesBefore)
        .as("20 full pages of 1000 and the empty one that ends the batch").isEqualTo(21);
    assertThat(jdbc.queryForObject("SELECT inserted_through = pushed_through FROM reprocess_batches "
        + "WHERE batch_id = ?", Boolean.class, batchId)).isTrue();
    assertThat(meters.get("photobomb.reprocess.queue.depth").tag("queue", QUEUE).gauge().value())
        .isGreaterThanOrEqualTo(20_000);
    assertThat(meters.get("photobomb.reprocess.jobs").tag("queue", QUEUE).tag("status", "queued").gauge().value())
        .isGreaterThanOrEqualTo(20_000);
  }

  @Test
  void photosOfSoftDeletedAndDeletedAccountsAreNeverQueued() {
    UUID live = fixture.user(null);
    UUID softDeleted = fixture.user(Instant.now().minus(Duration.ofDays(3)));
    fixture.photos(live, 2, LONG_AGO);
    List<UUID> hidden = fixture.photos(softDeleted, 3, LONG_AGO);
    UUID batchId = UUID.randomUUID();

    List<UUID> photoIds = new ArrayList<>(hidden);
    photoIds.add(UUID.randomUUID());
    fixture.send(MessageCatalog.REPROCESS_BATCH, new ReprocessBatch(batchId, "reprocess_thumbnails", null,
        List.of(live, softDeleted, UUID.randomUUID()), null, null, "ops"));
    UUID byPhoto = UUID.randomUUID();
    fixture.send(MessageCatalog.REPROCESS_BATCH, new ReprocessBatch(byPhoto, "reprocess_thumbnails", null, null,
        photoIds, null, "ops"));

    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED, batchId).jobCount()).isEqualTo(2);
    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED, byPhoto).jobCount()).isZero();
    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_COMPLETED, byPhoto))
        .as("a batch without jobs is complete at once").isEqualTo(new ReprocessBatchCompleted(byPhoto, 0, 0, 0L));
    assertThat(jdbc.queryForObject("SELECT count(*) FROM processing_jobs WHERE photo_id = ANY (?::uuid[])",
        Long.class, (Object) hidden.toArray(UUID[]::new))).isZero();
  }

  @Test
  void unknownJobTypeFailsNamingTheKnownTypes() {
    UUID batchId = UUID.randomUUID();
    fixture.send(MessageCatalog.REPROCESS_BATCH, new ReprocessBatch(batchId, "reprocess_thumbnail",
        Instant.now(), null, null, null, "ops"));

    String reason = fixture.await(MessageCatalog.REPROCESS_BATCH_FAILED, batchId).reason();

    assertThat(reason).contains("unknown job type 'reprocess_thumbnail'", "face_detection", "migrate_storage",
        "reprocess_thumbnails", "PHOTOBOMB_REPROCESS_QUEUES");
    assertThat(fixture.jobs(batchId)).isZero();
    assertThat(jdbc.queryForObject("SELECT status FROM reprocess_batches WHERE batch_id = ?", String.class, batchId))
        .isEqualTo("failed");
  }

  @Test
  void batchWithoutAFilterOrWithTooManyIdsFailsWithAReason() {
    UUID unfiltered = UUID.randomUUID();
    UUID tooMany = UUID.randomUUID();
    UUID empty = UUID.randomUUID();
    fixture.send(MessageCatalog.REPROCESS_BATCH, new ReprocessBatch(unfiltered, "reprocess_thumbnails", null, null,
        null, null, "ops"));
    fixture.send(MessageCatalog.REPROCESS_BATCH, new ReprocessBatch(tooMany, "reprocess_thumbnails", null, null,
        IntStream.range(0, 51).mapToObj(i -> UUID.randomUUID()).toList(), null, "ops"));
    fixture.send(MessageCatalog.REPROCESS_BATCH, new ReprocessBatch(empty, "face_detection", null,
        Collections.emptyList(), null, null, "ops"));

    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_FAILED, unfiltered).reason())
        .contains("no photos selected", "processedBefore", "userIds", "photoIds");
    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_FAILED, tooMany).reason())
        .contains("photoIds names 51 photos", "50", "split");
    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_FAILED, empty).reason()).contains("userIds is empty");
  }

  @Test
  void cancelCancelsQueuedJobsLetsTheRunningOneFinishAndCompletesOnceWithTheCancelledCount() {
    UUID userId = fixture.user(null);
    fixture.photos(userId, 5, LONG_AGO);
    UUID batchId = UUID.randomUUID();
    fixture.send(MessageCatalog.REPROCESS_BATCH, thumbnails(batchId, List.of(userId)));
    fixture.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED, batchId);
    long running = jdbc.queryForObject("SELECT min(job_id) FROM processing_jobs WHERE batch_id = ?", Long.class,
        batchId);
    claim(running, "worker-busy", Duration.ofMinutes(10));

    fixture.send(MessageCatalog.REPROCESS_BATCH_CANCELLED, new ReprocessBatchCancelled(batchId, "ops", "wrong spec"));
    Awaitility.await().atMost(ReprocessFixture.WAIT).until(() -> jdbc.queryForObject(
        "SELECT count(*) FROM processing_jobs WHERE batch_id = ? AND status = 'cancelled'", Long.class, batchId) == 4);
    assertThat(jdbc.queryForObject("SELECT status FROM processing_jobs WHERE job_id = ?", String.class, running))
        .isEqualTo("running");
    finish(running, "done", "{\"sizes\": [256, 512, 1024]}");

    ReprocessBatchCompleted completed = fixture.await(MessageCatalog.REPROCESS_BATCH_COMPLETED, batchId);
    assertThat(completed).isEqualTo(new ReprocessBatchCompleted(batchId, 1, 0, 4L));
    fixture.send(MessageCatalog.REPROCESS_BATCH_CANCELLED, new ReprocessBatchCancelled(batchId, "ops", "again"));
    UUID marker = UUID.randomUUID();
    fixture.send(MessageCatalog.REPROCESS_BATCH_CANCELLED, new ReprocessBatchCancelled(marker, "ops", null));
    fixture.await(MessageCatalog.REPROCESS_BATCH_FAILED, marker);
    assertThat(fixture.all(MessageCatalog.REPROCESS_BATCH_COMPLETED, batchId.toString())).hasSize(1);
    assertThat(fixture.all(MessageCatalog.REPROCESS_BATCH_FAILED, batchId.toString())).isEmpty();
    assertThat(jdbc.queryForObject("SELECT details->>'reason' FROM audit_logs WHERE action = "
        + "'reprocess_batch_cancelled' AND details->>'batch_id' = ?", String.class, batchId.toString()))
        .isEqualTo("wrong spec");
  }

  @Test
  void cancelOfAnUnknownBatchFailsWithItsReason() {
    UUID nobody = UUID.randomUUID();

    fixture.send(MessageCatalog.REPROCESS_BATCH_CANCELLED, new ReprocessBatchCancelled(nobody, "ops", null));

    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_FAILED, nobody).reason()).contains("unknown batch");
  }

  @Test
  void workerOutcomesGiveOneThumbnailsRegeneratedEachAndProgressAndCompletionOnce() {
    UUID userId = fixture.user(null);
    fixture.photos(userId, 3, LONG_AGO);
    UUID batchId = UUID.randomUUID();
    fixture.send(MessageCatalog.REPROCESS_BATCH, thumbnails(batchId, List.of(userId)));
    fixture.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED, batchId);
    List<UUID> photos = jdbc.queryForList("SELECT photo_id FROM processing_jobs WHERE batch_id = ? ORDER BY job_id",
        UUID.class, batchId);

    // one transaction, as far as the reporter can tell: the counts move once
    jdbc.update("""
        UPDATE processing_jobs SET status = CASE WHEN photo_id = ? THEN 'failed' ELSE 'done' END,
               result = CASE WHEN photo_id = ? THEN NULL ELSE '{"sizes": [256, 512, 1024]}'::jsonb END,
               last_error = CASE WHEN photo_id = ? THEN 'original is corrupt' END, attempts = 1, finished_at = now()
        WHERE batch_id = ?""", photos.get(2), photos.get(2), photos.get(2), batchId);

    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_COMPLETED, batchId))
        .isEqualTo(new ReprocessBatchCompleted(batchId, 2, 1, 0L));
    ReprocessBatchProgressed progress = fixture.await(MessageCatalog.REPROCESS_BATCH_PROGRESSED, batchId);
    assertThat(progress.done()).isEqualTo(2);
    assertThat(progress.failed()).isEqualTo(1);
    assertThat(progress.total()).isEqualTo(3);
    assertThat(progress.ratePerSecond()).isPositive();
    assertThat(progress.etaSeconds()).isZero();
    for (UUID photo : photos.subList(0, 2)) {
      assertThat(fixture.all(MessageCatalog.THUMBNAILS_REGENERATED, photo.toString()))
          .containsExactly(new ThumbnailsRegenerated(photo, List.of(256, 512, 1024)));
    }
    assertThat(fixture.all(MessageCatalog.THUMBNAILS_REGENERATED, photos.get(2).toString())).isEmpty();
    // a later pass has nothing new to tell
    UUID marker = UUID.randomUUID();
    fixture.send(MessageCatalog.REPROCESS_BATCH, thumbnails(marker, List.of(fixture.user(null))));
    fixture.await(MessageCatalog.REPROCESS_BATCH_COMPLETED, marker);
    assertThat(fixture.all(MessageCatalog.REPROCESS_BATCH_PROGRESSED, batchId.toString())).hasSize(1);
    assertThat(fixture.all(MessageCatalog.REPROCESS_BATCH_COMPLETED, batchId.toString())).hasSize(1);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM processing_jobs WHERE batch_id = ? AND reported_at IS NULL",
        Long.class, batchId)).isZero();
    assertThat(meters.get("photobomb.reprocess.jobs.reported").tag("outcome", "done").counter().count())
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void jobOfADeadWorkerIsQueuedAgainAfterItsLeaseAndFailedAfterItsLastAttempt() {
    UUID userId = fixture.user(null);
    fixture.photos(userId, 1, LONG_AGO);
    UUID batchId = UUID.randomUUID();
    fixture.send(MessageCatalog.REPROCESS_BATCH, thumbnails(batchId, List.of(userId)));
    fixture.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED, batchId);
    long job = jdbc.queryForObject("SELECT job_id FROM processing_jobs WHERE batch_id = ?", Long.class, batchId);
    String worker = "dead-" + UUID.randomUUID();
    String processing = QUEUE + ":processing:" + worker;
    String item = Long.toString(job);

    // the worker took the item and claimed the job, then died: no worker:<id> key, lease runs out
    redis.opsForList().remove(QUEUE, 0, item);
    redis.opsForList().rightPush(processing, item);
    claim(job, worker, Duration.ofSeconds(1));

    Awaitility.await().atMost(ReprocessFixture.WAIT).until(() -> "queued".equals(status(job))
        && ReprocessFixture.itemsOf(redis, QUEUE, Set.of(job)) >= 1 && redis.opsForList().size(processing) == 0);
    assertThat(jdbc.queryForObject("SELECT attempts FROM processing_jobs WHERE job_id = ?", Integer.class, job))
        .isOne();

    jdbc.update("UPDATE processing_jobs SET attempts = max_attempts - 1 WHERE job_id = ?", job);
    claim(job, worker, Duration.ofMillis(1));
    Awaitility.await().atMost(ReprocessFixture.WAIT).until(() -> "failed".equals(status(job)));
    assertThat(jdbc.queryForObject("SELECT last_error FROM processing_jobs WHERE job_id = ?", String.class, job))
        .isEqualTo("lease_expired");
    assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_COMPLETED, batchId))
        .isEqualTo(new ReprocessBatchCompleted(batchId, 0, 1, 0L));
  }

  @Test
  void processingListOfALiveWorkerIsLeftAloneAndADeadOnesItemsOfFinishedJobsAreDropped() {
    String live = "live-" + UUID.randomUUID();
    String dead = "dead-" + UUID.randomUUID();
    redis.opsForValue().set("worker:" + live, "alive", Duration.ofMinutes(5));
    redis.opsForList().rightPush(QUEUE + ":processing:" + live, "123456789");
    redis.opsForList().rightPush(QUEUE + ":processing:" + dead, "987654321");

    Awaitility.await().atMost(ReprocessFixture.WAIT)
        .until(() -> redis.opsForList().size(QUEUE + ":processing:" + dead) == 0);

    assertThat(redis.opsForList().range(QUEUE + ":processing:" + live, 0, -1)).containsExactly("123456789");
    assertThat(ReprocessFixture.itemsOf(redis, QUEUE, Set.of(987654321L))).as("no job of that id is open").isZero();
    redis.delete(List.of(QUEUE + ":processing:" + live, "worker:" + live));
  }

  private static ReprocessBatch thumbnails(UUID batchId, List<UUID> userIds) {
    return new ReprocessBatch(batchId, "reprocess_thumbnails", null, userIds, null, null, "ops@photobomb.app");
  }

  /** As a worker claims a job (the worker contract's claim). */
  private void claim(long jobId, String worker, Duration lease) {
    jdbc.update("""
        UPDATE processing_jobs SET status = 'running', attempts = attempts + 1, worker = ?,
               lease_until = now() + make_interval(secs => ?), updated_at = now()
        WHERE job_id = ?""", worker, lease.toMillis() / 1000.0, jobId);
  }

  /** As a worker finishes a job. */
  private void finish(long jobId, String status, String result) {
    jdbc.update("""
        UPDATE processing_jobs SET status = ?, result = ?::jsonb, worker = NULL, lease_until = NULL,
               last_error = CASE WHEN ? = 'failed' THEN 'original is corrupt' END, finished_at = now(),
               updated_at = now()
        WHERE job_id = ?""", status, result, status, jobId);
  }

  private void doneJob(UUID photoId, String key) {
    jdbc.update("""
        INSERT INTO processing_jobs (upload_id, photo_id, job_type, status, idempotency_key, result, finished_at,
                                     reported_at)
        SELECT upload_id, photo_id, 'reprocess_thumbnails', 'done', ?, '{"sizes": [256, 512, 1024]}', now(), now()
        FROM photos WHERE photo_id = ?""", key, photoId);
  }

  private String status(long jobId) {
    return jdbc.queryForObject("SELECT status FROM processing_jobs WHERE job_id = ?", String.class, jobId);
  }
}
