package app.photobomb.ops.deletion;

import static app.photobomb.ops.testsupport.KafkaTestClient.header;
import static app.photobomb.ops.testsupport.KafkaTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.CachePurgeRequested;
import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.UserDeletionCancelled;
import app.photobomb.ops.common.events.UserDeletionRequested;
import app.photobomb.ops.common.events.UserHardDeleted;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.TestCommands;
import app.photobomb.ops.common.storage.ObjectContent;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.deletion.domain.HardDeleter;
import app.photobomb.ops.deletion.jobs.HardDeleteScheduler;
import app.photobomb.ops.storage.b2.FakeB2Server;
import app.photobomb.ops.storage.config.ObjectStorageAutoConfiguration;
import app.photobomb.ops.storage.resilience.UploadRetryQueue;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A due account is deleted everywhere (rows in PostgreSQL, objects in B2: the fake B2 server on loopback), and nobody else's data is touched; grace is zero here and the tests run
 * the scheduler's passes themselves, to place crashes between them.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(properties = {"spring.config.name=" + DeletionServiceApplication.CONFIG_NAME,
    "photobomb.deletion.grace=0s", "photobomb.deletion.scheduler-interval=1h"})
class HardDeleteEndToEndTest {

  private static final String DATABASE = "hard_delete";

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ORIGINALS = "photobomb-originals";
  private static final String THUMBNAILS = "photobomb-thumbnails";
  private static final String EXPORTS = "photobomb-exports";

  @TempDir
  static Path objects;
  private static KafkaTestClient kafka;
  private static FakeB2Server b2;

  /** The test's own connection, as the photobomb API or an operator: the service's role may not seed or peek. */
  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  PayloadCodec codec;
  @Autowired
  @Qualifier(ObjectStorageAutoConfiguration.ORIGINALS)
  ObjectStore store;
  @Autowired
  @Qualifier(ObjectStorageAutoConfiguration.EXPORTS)
  ObjectStore exports;
  @Autowired
  HardDeleteScheduler scheduler;
  @Autowired
  HardDeleter hardDeleter;
  @Autowired
  io.micrometer.core.instrument.MeterRegistry meters;
  @Autowired
  UploadRetryQueue uploadQueue;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) throws IOException {
    RealServers.register(registry, DATABASE, DatabaseRole.DELETION);
    b2 = new FakeB2Server(Files.createDirectories(objects.resolve("b2"))).start();
    b2.createBucket(ORIGINALS);
    b2.createBucket(THUMBNAILS);
    b2.originalsStoreSettings(2).forEach((key, value) -> registry.add(key, () -> value));
    registry.add("photobomb.storage.local.root", () -> objects.resolve("exports").toString());
  }

  @BeforeAll
  static void connect() {
    kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers());
  }

  @AfterAll
  static void disconnect() {
    kafka.close();
    b2.close();
  }

  @Test
  void dueAccountLosesEveryRowAndObjectAndOthersKeepTheirs() {
    UUID doomed = user();
    UUID bystander = user();
    List<UUID> doomedPhotos = List.of(photo(doomed, "IMG_0001.jpg"), photo(doomed, "IMG_0002.jpg"));
    UUID bystanderPhoto = photo(bystander, "IMG_0001.jpg");
    String reUploaded = "originals/" + doomed + "/" + doomedPhotos.get(0) + ".jpg";
    store.put(ORIGINALS, reUploaded, new java.io.ByteArrayInputStream(new byte[300]), 300, "image/jpeg");
    String forgotten = "originals/" + doomed + "/never-recorded.jpg";
    store.put(ORIGINALS, forgotten, new java.io.ByteArrayInputStream(new byte[500]), 500, "image/jpeg");
    String doomedArchive = "exports/" + doomed + "/" + UUID.randomUUID() + ".zip";
    String bystanderArchive = "exports/" + bystander + "/" + UUID.randomUUID() + ".zip";
    exports.put(EXPORTS, doomedArchive, new java.io.ByteArrayInputStream(new byte[700]), 700, "application/zip");
    exports.put(EXPORTS, bystanderArchive, new java.io.ByteArrayInputStream(new byte[700]), 700, "application/zip");
    String requestId = UUID.randomUUID().toString();

    kafka.send(MessageCatalog.USER_DELETION_REQUESTED.topic(), doomed.toString(),
        TestCommands.headers(MessageCatalog.USER_DELETION_REQUESTED, requestId, doomed.toString(), "corr-" + requestId),
        codec.encode(new UserDeletionRequested(doomed, "support", "gdpr", null)).getBytes(StandardCharsets.UTF_8));
    kafka.await(MessageCatalog.USER_DELETION_SCHEDULED.topic(), r -> requestId.equals(
        header(r, CloudEventHeaders.CAUSATION_ID)), WAIT);
    scheduler.runOnce();
    ConsumerRecord<String, byte[]> done = kafka.await(MessageCatalog.USER_HARD_DELETED.topic(),
        r -> doomed.toString().equals(r.key()), WAIT);

    UserHardDeleted event = codec.decode(MessageCatalog.USER_HARD_DELETED, done.value());
    assertThat(header(done, CloudEventHeaders.CORRELATION_ID)).isEqualTo("corr-" + requestId);
    assertThat(event.rowsDeleted()).containsEntry("users", 1L).containsEntry("photos", 2L)
        .containsEntry("photo_files", 8L).containsEntry("face_detections", 2L).containsEntry("albums", 1L);
    assertThat(event.objectsDeleted())
        .as("8 recorded + an older version of one original + 1 original and 1 export found under the user's prefixes")
        .isEqualTo(11);
    assertThat(event.bytesFreed()).as("what the deleted versions held").isEqualTo(8 * 1000 + 300 + 500 + 700);
    assertThat(store.listVersions(ORIGINALS, reUploaded, null, 10).versions()).as("every version").isEmpty();
    assertThat(store.stat(ORIGINALS, forgotten)).as("an object the database forgot").isEmpty();
    assertThat(exports.stat(EXPORTS, doomedArchive)).as("the user's export archive").isEmpty();
    assertThat(exports.stat(EXPORTS, bystanderArchive)).as("another user's export archive").isPresent();
    assertThat(count("SELECT count(*) FROM users WHERE user_id = ?", doomed)).isZero();
    assertThat(count("SELECT count(*) FROM photos WHERE user_id = ?", doomed)).isZero();
    for (UUID photo : doomedPhotos) {
      assertThat(store.stat(ORIGINALS, "originals/" + doomed + "/" + photo + ".jpg")).isEmpty();
      assertThat(store.stat(THUMBNAILS, "thumbs/" + photo + "/512.webp")).isEmpty();
    }
    assertThat(count("SELECT count(*) FROM photos WHERE user_id = ?", bystander)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM photo_files WHERE user_id = ?", bystander)).isEqualTo(4);
    assertThat(count("SELECT count(*) FROM face_detections WHERE user_id = ?", bystander)).isEqualTo(1);
    assertThat(store.stat(ORIGINALS, "originals/" + bystander + "/" + bystanderPhoto + ".jpg")).isPresent();
    assertThat(jdbc.queryForObject("SELECT details->>'retention_period' FROM audit_logs WHERE user_id = ? "
        + "AND action = 'account_deleted'", String.class, doomed)).isEqualTo("0 days");

    ConsumerRecord<String, byte[]> purge = kafka.await(MessageCatalog.CACHE_PURGE_REQUESTED.topic(),
        r -> text(r).contains(doomedPhotos.get(0).toString()), WAIT);
    CachePurgeRequested request = codec.decode(MessageCatalog.CACHE_PURGE_REQUESTED, purge.value());
    assertThat(request.urls()).contains(
        "https://cdn.photobomb.app/thumb/" + doomedPhotos.get(1) + "/1024.webp")
        .noneMatch(url -> url.contains(bystanderPhoto.toString()));
  }

  @Test
  void thumbnailsArePurgedFromTheCdnOnceAfterTheObjectPhaseDeletedThem() {
    UUID doomed = user();
    UUID photo = photo(doomed, "edge.jpg");
    String thumbnail = "thumbs/" + photo + "/512.webp";
    String correlationId = "corr-" + UUID.randomUUID();
    jdbc.update("UPDATE users SET deleted_at = now() - interval '1 day' WHERE user_id = ?", doomed);
    jdbc.update("""
        INSERT INTO user_deletions (user_id, status, requested_by, requested_at, soft_deleted_at, hard_delete_after,
            correlation_id)
        VALUES (?, 'scheduled', 'test', now(), now() - interval '1 day', now() - interval '1 second', ?)""",
        doomed, correlationId);

    // The rows go and the listings run, but B2 refuses every delete: the thumbnails stay in the store for now.
    b2.deletesUnavailable(true);
    try {
      scheduler.runOnce();
    } finally {
      b2.deletesUnavailable(false);
    }
    assertThat(count("SELECT count(*) FROM users WHERE user_id = ?", doomed)).as("the rows phase is done").isZero();
    assertThat(store.stat(THUMBNAILS, thumbnail)).as("the object phase is not").isPresent();
    // A cancel now is answered through the same outbox after the rows phase's commit, so once its answer is on
    // Kafka, whatever that commit emitted is there too.
    String cancelId = UUID.randomUUID().toString();
    kafka.send(MessageCatalog.USER_DELETION_CANCELLED.topic(), doomed.toString(),
        TestCommands.headers(MessageCatalog.USER_DELETION_CANCELLED, cancelId, doomed.toString(), null),
        codec.encode(new UserDeletionCancelled(doomed, "support")).getBytes(StandardCharsets.UTF_8));
    kafka.await(MessageCatalog.USER_DELETION_FAILED.topic(),
        r -> cancelId.equals(header(r, CloudEventHeaders.CAUSATION_ID)), WAIT);
    assertThat(purgesNaming(photo)).as("no purge while the thumbnails can still be fetched from the origin")
        .isEmpty();

    jdbc.update("UPDATE deletion_tasks SET next_attempt_at = now() WHERE user_id = ?", doomed);
    scheduler.runOnce();

    ConsumerRecord<String, byte[]> purge = kafka.await(MessageCatalog.CACHE_PURGE_REQUESTED.topic(),
        r -> text(r).contains(photo.toString()), WAIT);
    assertThat(store.stat(THUMBNAILS, thumbnail)).isEmpty();
    assertThat(header(purge, CloudEventHeaders.CORRELATION_ID)).isEqualTo(correlationId);
    assertThat(codec.decode(MessageCatalog.CACHE_PURGE_REQUESTED, purge.value()).urls()).containsExactlyInAnyOrder(
        "https://cdn.photobomb.app/thumb/" + photo + "/256.webp", "https://cdn.photobomb.app/thumb/" + photo
            + "/512.webp", "https://cdn.photobomb.app/thumb/" + photo + "/1024.webp");
    kafka.await(MessageCatalog.USER_HARD_DELETED.topic(), r -> doomed.toString().equals(r.key()), WAIT);
    scheduler.runOnce();
    assertThat(purgesNaming(photo)).as("requested once per account").hasSize(1);
  }

  @Test
  void requestReplayedAfterTheHardDeleteDeletesNothingAndSaysAlreadyDeleted() {
    UUID doomed = user();
    photo(doomed, "IMG_0009.jpg");
    String requestId = UUID.randomUUID().toString();
    send(new UserDeletionRequested(doomed, "support", "gdpr", null), requestId);
    kafka.await(MessageCatalog.USER_DELETION_SCHEDULED.topic(), r -> requestId.equals(
        header(r, CloudEventHeaders.CAUSATION_ID)), WAIT);
    scheduler.runOnce();
    kafka.await(MessageCatalog.USER_HARD_DELETED.topic(), r -> doomed.toString().equals(r.key()), WAIT);
    UUID stillHere = user();

    String replayId = UUID.randomUUID().toString();
    send(new UserDeletionRequested(doomed, "support", "gdpr", null), replayId);
    ConsumerRecord<String, byte[]> answer = kafka.await(MessageCatalog.USER_DELETION_FAILED.topic(),
        r -> replayId.equals(header(r, CloudEventHeaders.CAUSATION_ID)), WAIT);

    assertThat(codec.decode(MessageCatalog.USER_DELETION_FAILED, answer.value()).reason()).isEqualTo("already_deleted");
    assertThat(count("SELECT count(*) FROM users WHERE user_id = ?", stillHere)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM audit_logs WHERE action = 'account_deleted' AND user_id = ?", doomed))
        .isEqualTo(1);
  }

  @Test
  void twoSchedulersRacingDeleteEachAccountOnce() throws Exception {
    UUID first = user();
    UUID second = user();
    photo(first, "a.jpg");
    photo(second, "b.jpg");
    jdbc.update("UPDATE users SET deleted_at = now() - interval '1 day' WHERE user_id IN (?, ?)", first, second);
    for (UUID userId : List.of(first, second)) {
      jdbc.update("""
          INSERT INTO user_deletions (user_id, status, requested_by, requested_at, soft_deleted_at, hard_delete_after)
          VALUES (?, 'scheduled', 'test', now(), now() - interval '1 day', now() - interval '1 second')""", userId);
    }

    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> passes = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        passes.add(pool.submit(scheduler::runOnce));
      }
      for (var pass : passes) {
        pass.get();
      }
    } finally {
      pool.shutdownNow();
    }

    for (UUID userId : List.of(first, second)) {
      assertThat(count("SELECT count(*) FROM audit_logs WHERE action = 'account_deleted' AND user_id = ?", userId))
          .as("deleted once").isEqualTo(1);
      kafka.await(MessageCatalog.USER_HARD_DELETED.topic(), r -> userId.toString().equals(r.key()), WAIT);
      assertThat(kafka.readAll(MessageCatalog.USER_HARD_DELETED.topic()).stream()
          .filter(r -> userId.toString().equals(r.key()))).as("one completion event").hasSize(1);
    }
  }

  @Test
  void restartAfterACrashBetweenTheDatabaseCommitAndTheObjectsFinishesTheJob() {
    UUID doomed = user();
    UUID photo = photo(doomed, "crash.jpg");
    jdbc.update("UPDATE users SET deleted_at = now() - interval '1 day' WHERE user_id = ?", doomed);
    jdbc.update("""
        INSERT INTO user_deletions (user_id, status, requested_by, requested_at, soft_deleted_at, hard_delete_after)
        VALUES (?, 'scheduled', 'test', now(), now() - interval '1 day', now() - interval '1 second')""", doomed);

    // The database phase commits, then the process "dies" before any object is deleted.
    assertThat(hardDeleter.deleteRows(doomed)).isPresent();
    assertThat(store.stat(ORIGINALS, "originals/" + doomed + "/" + photo + ".jpg")).isPresent();
    // Half of the object phase happened before a second crash: one object gone, its task still pending.
    store.deleteVersion(THUMBNAILS, "thumbs/" + photo + "/256.webp",
        store.stat(THUMBNAILS, "thumbs/" + photo + "/256.webp").orElseThrow().versionId());

    scheduler.runOnce();

    ConsumerRecord<String, byte[]> done = kafka.await(MessageCatalog.USER_HARD_DELETED.topic(),
        r -> doomed.toString().equals(r.key()), WAIT);
    assertThat(codec.decode(MessageCatalog.USER_HARD_DELETED, done.value()).objectsDeleted())
        .as("the thumbnail deleted before the crash is not counted again").isEqualTo(3);
    assertThat(count("SELECT count(*) FROM deletion_tasks WHERE user_id = ? AND kind = 'prefix' "
        + "AND status = 'done'", doomed)).as("originals, exports and the photo's thumbnails listed").isEqualTo(3);
    assertThat(store.stat(ORIGINALS, "originals/" + doomed + "/" + photo + ".jpg")).isEmpty();
    assertThat(count("SELECT count(*) FROM deletion_tasks WHERE user_id = ? AND status = 'pending'", doomed)).isZero();
  }

  @Test
  void objectsThatCannotBeDeletedNowAreCountedAsFailingAndDeletedOnALaterPass() {
    UUID doomed = user();
    UUID photo = photo(doomed, "outage.jpg");
    jdbc.update("UPDATE users SET deleted_at = now() - interval '1 day' WHERE user_id = ?", doomed);
    jdbc.update("""
        INSERT INTO user_deletions (user_id, status, requested_by, requested_at, soft_deleted_at, hard_delete_after)
        VALUES (?, 'scheduled', 'test', now(), now() - interval '1 day', now() - interval '1 second')""", doomed);

    b2.unavailable(true);
    try {
      scheduler.runOnce();
    } finally {
      b2.unavailable(false);
    }

    assertThat(count("SELECT count(*) FROM users WHERE user_id = ?", doomed)).as("rows go at once").isZero();
    assertThat(count("SELECT count(*) FROM deletion_tasks WHERE user_id = ? AND status = 'pending' "
        + "AND attempts = 1 AND next_attempt_at > now()", doomed))
        .as("the listings of the user's originals and of the photo's thumbnails, tried once and backing off")
        .isEqualTo(2);
    assertThat(meters.get("photobomb.deletion.users.failing").gauge().value()).isGreaterThanOrEqualTo(1);
    assertThat(meters.get("photobomb.deletion.tasks.failing").gauge().value()).isGreaterThanOrEqualTo(2);
    assertThat(store.stat(ORIGINALS, "originals/" + doomed + "/" + photo + ".jpg")).isPresent();

    jdbc.update("UPDATE deletion_tasks SET next_attempt_at = now() WHERE user_id = ?", doomed);
    scheduler.runOnce();

    kafka.await(MessageCatalog.USER_HARD_DELETED.topic(), r -> doomed.toString().equals(r.key()), WAIT);
    assertThat(store.stat(ORIGINALS, "originals/" + doomed + "/" + photo + ".jpg")).isEmpty();
    assertThat(count("SELECT count(*) FROM deletion_tasks WHERE user_id = ? AND status = 'pending'", doomed))
        .isZero();
  }

  @Test
  void stuckAccountsMoveOnAndDoNotStarveADueOne() {
    List<UUID> clearedByTheApi = new java.util.ArrayList<>();
    List<UUID> softDeletedAgainLater = new java.util.ArrayList<>();
    List<UUID> vanished = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      UUID cleared = user();
      scheduleDue(cleared, "now() - interval '2 hours'");
      clearedByTheApi.add(cleared);
      UUID later = user();
      scheduleDue(later, "now() - interval '2 hours'");
      jdbc.update("UPDATE users SET deleted_at = now() + interval '1 hour' WHERE user_id = ?", later);
      softDeletedAgainLater.add(later);
      UUID gone = UUID.randomUUID();
      scheduleDue(gone, "now() - interval '2 hours'");
      vanished.add(gone);
    }
    UUID due = user();
    UUID photo = photo(due, "due.jpg");
    jdbc.update("UPDATE users SET deleted_at = now() - interval '1 day' WHERE user_id = ?", due);
    scheduleDue(due, "now() - interval '1 minute'");
    jdbc.update("UPDATE users SET deleted_at = NULL WHERE user_id = ANY(?)", (Object) clearedByTheApi.toArray(UUID[]::new));

    scheduler.runOnce();

    assertThat(count("SELECT count(*) FROM users WHERE user_id = ?", due)).as("the due account, behind 15 stuck ones")
        .isZero();
    kafka.await(MessageCatalog.USER_HARD_DELETED.topic(), r -> due.toString().equals(r.key()), WAIT);
    assertThat(store.stat(ORIGINALS, "originals/" + due + "/" + photo + ".jpg")).isEmpty();
    for (UUID userId : clearedByTheApi) {
      assertThat(status(userId)).isEqualTo("restored");
      assertThat(count("SELECT count(*) FROM users WHERE user_id = ?", userId)).isOne();
      assertThat(count("SELECT count(*) FROM audit_logs WHERE user_id = ? AND action = 'account_restored'", userId))
          .isOne();
      kafka.await(MessageCatalog.USER_RESTORED.topic(), r -> userId.toString().equals(r.key()), WAIT);
    }
    for (UUID userId : softDeletedAgainLater) {
      assertThat(status(userId)).isEqualTo("scheduled");
      assertThat(jdbc.queryForObject("SELECT hard_delete_after > now() FROM user_deletions WHERE user_id = ?",
          Boolean.class, userId)).as("rescheduled to the new due time").isTrue();
      assertThat(count("SELECT count(*) FROM users WHERE user_id = ?", userId)).isOne();
      kafka.await(MessageCatalog.USER_DELETION_SCHEDULED.topic(), r -> userId.toString().equals(r.key()), WAIT);
    }
    for (UUID userId : vanished) {
      assertThat(status(userId)).isEqualTo("failed");
      assertThat(jdbc.queryForObject("SELECT failure_reason FROM user_deletions WHERE user_id = ?", String.class,
          userId)).isEqualTo("user_row_missing");
      assertThat(count("SELECT count(*) FROM audit_logs WHERE user_id = ? AND action = 'account_deletion_failed'",
          userId)).isOne();
      ConsumerRecord<String, byte[]> failed = kafka.await(MessageCatalog.USER_DELETION_FAILED.topic(),
          r -> userId.toString().equals(r.key()), WAIT);
      assertThat(codec.decode(MessageCatalog.USER_DELETION_FAILED, failed.value()).reason())
          .isEqualTo("user_row_missing");
    }
  }

  @Test
  void oneSchedulerPassDeletesMoreObjectsThanOnePageWithoutWaitingForTheInterval() {
    UUID doomed = user();
    int objects = 1_300;
    for (int i = 0; i < objects; i++) {
      store.put(ORIGINALS, "originals/" + doomed + "/bulk-" + i + ".jpg", new java.io.ByteArrayInputStream(new byte[10]),
          10, "image/jpeg");
    }
    jdbc.update("UPDATE users SET deleted_at = now() - interval '1 day' WHERE user_id = ?", doomed);
    scheduleDue(doomed, "now() - interval '1 second'");
    int callsBefore = b2.totalCalls();

    scheduler.runOnce();

    UserHardDeleted event = codec.decode(MessageCatalog.USER_HARD_DELETED, kafka.await(
        MessageCatalog.USER_HARD_DELETED.topic(), r -> doomed.toString().equals(r.key()), WAIT).value());
    assertThat(event.objectsDeleted()).isEqualTo(objects);
    assertThat(store.listVersions(ORIGINALS, "originals/" + doomed + "/", null, 10).versions()).isEmpty();
    assertThat(b2.totalCalls() - callsBefore).as("about one B2 call per version: listed by prefix, not per key")
        .isLessThan(objects + objects / 10);
  }

  @Test
  void failingObjectsBackOffAndDoNotStarveOtherAccounts() {
    // 1,100 deletes that always fail (keys the store refuses), queued before another account's
    UUID stuck = user();
    jdbc.update("UPDATE users SET deleted_at = now() - interval '1 day' WHERE user_id = ?", stuck);
    scheduleDue(stuck, "now() - interval '1 hour'");
    assertThat(hardDeleter.deleteRows(stuck)).isPresent();
    jdbc.update("""
        INSERT INTO deletion_tasks (user_id, kind, bucket, object_key, version_id, size_bytes)
        SELECT ?, 'version', ?, 'originals/' || ? || '/../' || g || '.jpg', 'v' || g, 10
        FROM generate_series(1, 1100) AS g""", stuck, ORIGINALS, stuck.toString());
    UUID doomed = user();
    UUID photo = photo(doomed, "behind.jpg");
    jdbc.update("UPDATE users SET deleted_at = now() - interval '1 day' WHERE user_id = ?", doomed);
    scheduleDue(doomed, "now() - interval '1 second'");

    scheduler.runOnce();

    kafka.await(MessageCatalog.USER_HARD_DELETED.topic(), r -> doomed.toString().equals(r.key()), WAIT);
    assertThat(store.stat(ORIGINALS, "originals/" + doomed + "/" + photo + ".jpg")).isEmpty();
    assertThat(count("SELECT count(*) FROM deletion_tasks WHERE user_id = ? AND status = 'pending' AND attempts = 1 "
        + "AND next_attempt_at > now()", stuck)).as("each failing task tried once, then backed off").isEqualTo(1100);
    assertThat(status(stuck)).isEqualTo("deleting_objects");
  }

  @Test
  void queuedUploadOfAHardDeletedUserIsDroppedAndNeverSent() {
    UUID doomed = user();
    UUID photo = photo(doomed, "queued.jpg");
    jdbc.update("UPDATE users SET deleted_at = now() - interval '1 day' WHERE user_id = ?", doomed);
    scheduleDue(doomed, "now() - interval '1 second'");
    String lateOriginal = "originals/" + doomed + "/late.jpg";
    String lateThumbnail = "thumbs/" + photo + "/256.webp";
    uploadQueue.enqueue(ORIGINALS, lateOriginal, ObjectContent.ofBytes(new byte[42], "image/jpeg"), "b2 down");
    uploadQueue.enqueue(THUMBNAILS, lateThumbnail, ObjectContent.ofBytes(new byte[43], "image/webp"), "b2 down");
    UUID bystander = user();
    String bystanderKey = "originals/" + bystander + "/queued.jpg";
    uploadQueue.enqueue(ORIGINALS, bystanderKey, ObjectContent.ofBytes(new byte[44], "image/jpeg"), "b2 down");

    scheduler.runOnce();
    kafka.await(MessageCatalog.USER_HARD_DELETED.topic(), r -> doomed.toString().equals(r.key()), WAIT);

    // The retry worker sends only uploads whose rows exist (object-storage's UploadRetryQueueTest shows it).
    assertThat(uploadQueue.find(ORIGINALS, lateOriginal)).as("queued original of the deleted user").isEmpty();
    assertThat(uploadQueue.find(THUMBNAILS, lateThumbnail)).as("queued thumbnail of the deleted user").isEmpty();
    assertThat(uploadQueue.find(ORIGINALS, bystanderKey)).as("another user's queued upload stays queued")
        .isPresent();
  }

  private List<String> purgesNaming(UUID photo) {
    return kafka.readAll(MessageCatalog.CACHE_PURGE_REQUESTED.topic()).stream().map(KafkaTestClient::text)
        .filter(text -> text.contains(photo.toString())).toList();
  }

  private void scheduleDue(UUID userId, String dueSql) {
    jdbc.update("""
        INSERT INTO user_deletions (user_id, status, requested_by, requested_at, soft_deleted_at, hard_delete_after)
        VALUES (?, 'scheduled', 'test', now(), now() - interval '1 day', %s)""".formatted(dueSql), userId);
  }

  private String status(UUID userId) {
    return jdbc.queryForObject("SELECT status FROM user_deletions WHERE user_id = ?", String.class, userId);
  }

  private void send(UserDeletionRequested command, String id) {
    kafka.send(MessageCatalog.USER_DELETION_REQUESTED.topic(), command.key(),
        TestCommands.headers(MessageCatalog.USER_DELETION_REQUESTED, id, command.key(), null),
        codec.encode(command).getBytes(StandardCharsets.UTF_8));
  }

  private UUID user() {
    UUID userId = UUID.randomUUID();
    jdbc.update("INSERT INTO users (user_id, email, deleted_at) VALUES (?, ?, ?)", userId, userId + "@example.com",
        null);
    UUID album = UUID.randomUUID();
    jdbc.update("INSERT INTO albums (album_id, user_id, title) VALUES (?, ?, 'Holidays')", album, userId);
    jdbc.update("INSERT INTO face_clusters (cluster_id, user_id, label) VALUES (?, ?, 'Ann')", UUID.randomUUID(),
        userId);
    return userId;
  }

  /** A photo with an original and three thumbnails, really stored, in an album, with one face. */
  private UUID photo(UUID userId, String name) {
    UUID photoId = UUID.randomUUID();
    jdbc.update("""
        INSERT INTO photos (photo_id, user_id, upload_id, original_filename, content_type, processed_at)
        VALUES (?, ?, ?, ?, 'image/jpeg', ?)""", photoId, userId, UUID.randomUUID(), name,
        Timestamp.from(Instant.now()));
    file(userId, photoId, "original", ORIGINALS, "originals/" + userId + "/" + photoId + ".jpg");
    for (String size : List.of("256", "512", "1024")) {
      file(userId, photoId, "thumb_" + size, THUMBNAILS, "thumbs/" + photoId + "/" + size + ".webp");
    }
    jdbc.update("INSERT INTO album_photos (album_id, photo_id) SELECT album_id, ? FROM albums WHERE user_id = ?",
        photoId, userId);
    jdbc.update("""
        INSERT INTO face_detections (photo_id, user_id, bbox, confidence)
        VALUES (?, ?, '{"x":1,"y":2,"w":3,"h":4}'::jsonb, 0.9)""", photoId, userId);
    return photoId;
  }

  private void file(UUID userId, UUID photoId, String kind, String bucket, String key) {
    StoredObject stored = store.put(bucket, key, new java.io.ByteArrayInputStream(new byte[1000]), 1000,
        "application/octet-stream");
    jdbc.update("""
        INSERT INTO photo_files (photo_id, user_id, kind, provider, bucket, object_key, file_id, size_bytes, sha256)
        VALUES (?, ?, ?, 'b2', ?, ?, ?, 1000, ?)""", photoId, userId, kind, bucket, key, stored.versionId(),
        stored.sha256());
  }

  private int count(String sql, UUID userId) {
    return jdbc.queryForObject(sql, Integer.class, userId);
  }
}
