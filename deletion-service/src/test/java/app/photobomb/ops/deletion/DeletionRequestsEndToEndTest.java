package app.photobomb.ops.deletion;

import static app.photobomb.ops.testsupport.KafkaTestClient.header;
import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PhotobombMessage;
import app.photobomb.ops.common.events.UserDeletionCancelled;
import app.photobomb.ops.common.events.UserDeletionFailed;
import app.photobomb.ops.common.events.UserDeletionRequested;
import app.photobomb.ops.common.events.UserDeletionScheduled;
import app.photobomb.ops.common.events.UserHardDeleted;
import app.photobomb.ops.common.events.UserRestored;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.TestCommands;
import app.photobomb.ops.deletion.jobs.HardDeleteScheduler;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Asking for and withdrawing an account deletion, over the real broker and database. */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(properties = {"spring.config.name=" + DeletionServiceApplication.CONFIG_NAME,
    "photobomb.deletion.scheduler-interval=1h"})
class DeletionRequestsEndToEndTest {

  private static final String DATABASE = "deletion_requests";

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static KafkaTestClient kafka;

  /** The test's own connection, as the photobomb API or an operator: the service's role may not seed or peek. */
  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  PayloadCodec codec;
  @Autowired
  HardDeleteScheduler scheduler;
  @Autowired
  MeterRegistry meters;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, DATABASE, DatabaseRole.DELETION);
  }

  @BeforeAll
  static void connect() {
    kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers());
  }

  @AfterAll
  static void disconnect() {
    kafka.close();
  }

  @Test
  void requestSoftDeletesSchedulesAfterGraceAuditsAndAnswersScheduled() {
    UUID userId = user(null);

    String id = send(MessageCatalog.USER_DELETION_REQUESTED,
        new UserDeletionRequested(userId, "support@photobomb.app", "user asked", null));
    UserDeletionScheduled scheduled = await(MessageCatalog.USER_DELETION_SCHEDULED, id);

    Instant deletedAt = deletedAt(userId);
    assertThat(deletedAt).isNotNull();
    assertThat(scheduled.hardDeleteAfter()).isEqualTo(deletedAt.plus(Duration.ofDays(30)));
    assertThat(jdbc.queryForObject("SELECT status FROM user_deletions WHERE user_id = ?", String.class, userId))
        .isEqualTo("scheduled");
    assertThat(jdbc.queryForObject("SELECT details->>'retention_period' FROM audit_logs WHERE user_id = ? "
        + "AND action = 'account_deletion_requested'", String.class, userId)).isEqualTo("30 days");
  }

  @Test
  void repeatedRequestKeepsTheFirstSchedule() {
    UUID userId = user(null);
    UserDeletionScheduled first = await(MessageCatalog.USER_DELETION_SCHEDULED,
        send(MessageCatalog.USER_DELETION_REQUESTED, new UserDeletionRequested(userId, "api", null, null)));

    UserDeletionScheduled second = await(MessageCatalog.USER_DELETION_SCHEDULED,
        send(MessageCatalog.USER_DELETION_REQUESTED, new UserDeletionRequested(userId, "api", "again", null)));

    assertThat(second.hardDeleteAfter()).isEqualTo(first.hardDeleteAfter());
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE user_id = ? "
        + "AND action = 'account_deletion_requested'", Integer.class, userId)).isEqualTo(1);
  }

  @Test
  void gracePeriodCountsFromTheSoftDeleteTheApiAlreadyMade() {
    Instant tenDaysAgo = Instant.now().minus(Duration.ofDays(10)).truncatedTo(ChronoUnit.MILLIS);
    UUID userId = user(tenDaysAgo);

    UserDeletionScheduled scheduled = await(MessageCatalog.USER_DELETION_SCHEDULED,
        send(MessageCatalog.USER_DELETION_REQUESTED, new UserDeletionRequested(userId, "api", null, null)));

    assertThat(scheduled.hardDeleteAfter()).isEqualTo(tenDaysAgo.plus(Duration.ofDays(30)));
    assertThat(deletedAt(userId)).isEqualTo(tenDaysAgo);
  }

  @Test
  void unknownUserFailsWithItsReason() {
    UUID nobody = UUID.randomUUID();

    UserDeletionFailed failed = await(MessageCatalog.USER_DELETION_FAILED,
        send(MessageCatalog.USER_DELETION_REQUESTED, new UserDeletionRequested(nobody, "api", null, null)));

    assertThat(failed.reason()).isEqualTo("unknown_user");
  }

  @Test
  void cancelWithinGraceRestoresTheAccount() {
    UUID userId = user(null);
    await(MessageCatalog.USER_DELETION_SCHEDULED,
        send(MessageCatalog.USER_DELETION_REQUESTED, new UserDeletionRequested(userId, "api", null, null)));

    UserRestored restored = await(MessageCatalog.USER_RESTORED,
        send(MessageCatalog.USER_DELETION_CANCELLED, new UserDeletionCancelled(userId, "user")));

    assertThat(restored.userId()).isEqualTo(userId);
    assertThat(deletedAt(userId)).isNull();
    assertThat(jdbc.queryForObject("SELECT status FROM user_deletions WHERE user_id = ?", String.class, userId))
        .isEqualTo("restored");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE user_id = ? AND action = 'account_restored'",
        Integer.class, userId)).isEqualTo(1);
  }

  @Test
  void cancelBeforeAnyRequestIsHarmlessAndSaysNotScheduled() {
    UUID userId = user(null);

    UserDeletionFailed failed = await(MessageCatalog.USER_DELETION_FAILED,
        send(MessageCatalog.USER_DELETION_CANCELLED, new UserDeletionCancelled(userId, "user")));

    assertThat(failed.reason()).isEqualTo("not_scheduled");
    assertThat(deletedAt(userId)).isNull();
  }

  @Test
  void accountStillInGraceIsNotDeletedByTheScheduler() {
    UUID userId = user(null);
    await(MessageCatalog.USER_DELETION_SCHEDULED,
        send(MessageCatalog.USER_DELETION_REQUESTED, new UserDeletionRequested(userId, "api", null, null)));

    scheduler.runOnce();

    assertThat(jdbc.queryForObject("SELECT count(*) FROM users WHERE user_id = ?", Integer.class, userId)).isOne();
    assertThat(jdbc.queryForObject("SELECT status FROM user_deletions WHERE user_id = ?", String.class, userId))
        .isEqualTo("scheduled");
    assertThat(meters.get("photobomb.deletion.users.pending").gauge().value()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void operatorsImmediateDeletionNeedsAReasonAndIsAuditedAsForced() {
    UUID userId = user(null);
    UserDeletionFailed refused = await(MessageCatalog.USER_DELETION_FAILED, send(MessageCatalog.USER_DELETION_REQUESTED,
        new UserDeletionRequested(userId, "ops@photobomb.app", null, null, true)));
    assertThat(refused.reason()).isEqualTo("immediate_deletion_needs_reason");
    assertThat(deletedAt(userId)).isNull();

    String id = send(MessageCatalog.USER_DELETION_REQUESTED,
        new UserDeletionRequested(userId, "ops@photobomb.app", "court order 2026-118", null, true));
    UserDeletionScheduled scheduled = await(MessageCatalog.USER_DELETION_SCHEDULED, id);
    scheduler.runOnce();
    UserHardDeleted deleted = codec.decode(MessageCatalog.USER_HARD_DELETED, kafka.await(
        MessageCatalog.USER_HARD_DELETED.topic(), r -> userId.toString().equals(r.key()), WAIT).value());

    assertThat(scheduled.hardDeleteAfter()).isBefore(Instant.now().plusSeconds(1));
    assertThat(deleted.rowsDeleted()).containsEntry("users", 1L);
    assertThat(jdbc.queryForObject("SELECT details->>'reason' FROM audit_logs WHERE user_id = ? "
        + "AND action = 'account_deletion_forced'", String.class, userId)).isEqualTo("court order 2026-118");
    assertThat(jdbc.queryForObject("SELECT details->>'forced' FROM audit_logs WHERE user_id = ? "
        + "AND action = 'account_deleted'", String.class, userId)).isEqualTo("true");
  }

  @Test
  void cancelHandledBeforeItsRequestStillWins() {
    UUID userId = user(null);
    Instant asked = Instant.now().minusSeconds(60);
    Instant withdrawn = asked.plusSeconds(30);

    UserDeletionFailed cancelAnswer = await(MessageCatalog.USER_DELETION_FAILED,
        sendAt(MessageCatalog.USER_DELETION_CANCELLED, new UserDeletionCancelled(userId, "user"), withdrawn));
    UserDeletionFailed requestAnswer = await(MessageCatalog.USER_DELETION_FAILED,
        sendAt(MessageCatalog.USER_DELETION_REQUESTED, new UserDeletionRequested(userId, "api", null, null), asked));

    assertThat(cancelAnswer.reason()).isEqualTo("not_scheduled");
    assertThat(requestAnswer.reason()).as("the older request lost to the newer cancel")
        .isEqualTo("cancelled_later");
    assertThat(deletedAt(userId)).isNull();
    assertThat(jdbc.queryForObject("SELECT count(*) FROM user_deletions WHERE user_id = ? AND status = 'scheduled'",
        Integer.class, userId)).isZero();

    UserDeletionScheduled newer = await(MessageCatalog.USER_DELETION_SCHEDULED, sendAt(
        MessageCatalog.USER_DELETION_REQUESTED, new UserDeletionRequested(userId, "api", null, null), Instant.now()));
    assertThat(newer.hardDeleteAfter()).as("a request newer than the cancel schedules").isAfter(Instant.now());
  }

  @Test
  void requestNamingAnOlderTimeThanAHandledCancelDoesNotSchedule() {
    UUID userId = user(null);
    Instant withdrawn = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    await(MessageCatalog.USER_DELETION_FAILED,
        sendAt(MessageCatalog.USER_DELETION_CANCELLED, new UserDeletionCancelled(userId, "user"), withdrawn));

    UserDeletionFailed answer = await(MessageCatalog.USER_DELETION_FAILED, send(MessageCatalog.USER_DELETION_REQUESTED,
        new UserDeletionRequested(userId, "api", null, withdrawn.minusSeconds(5))));

    assertThat(answer.reason()).isEqualTo("cancelled_later");
    assertThat(deletedAt(userId)).isNull();
  }

  @Test
  void cancelOlderThanTheScheduledRequestLeavesTheSchedule() {
    UUID userId = user(null);
    Instant asked = Instant.now();
    await(MessageCatalog.USER_DELETION_SCHEDULED,
        sendAt(MessageCatalog.USER_DELETION_REQUESTED, new UserDeletionRequested(userId, "api", null, null), asked));

    UserDeletionFailed answer = await(MessageCatalog.USER_DELETION_FAILED, sendAt(
        MessageCatalog.USER_DELETION_CANCELLED, new UserDeletionCancelled(userId, "user"), asked.minusSeconds(10)));

    assertThat(answer.reason()).isEqualTo("requested_later");
    assertThat(deletedAt(userId)).isNotNull();
    assertThat(jdbc.queryForObject("SELECT status FROM user_deletions WHERE user_id = ?", String.class, userId))
        .isEqualTo("scheduled");
  }

  private UUID user(Instant deletedAt) {
    UUID userId = UUID.randomUUID();
    jdbc.update("INSERT INTO users (user_id, email, deleted_at) VALUES (?, ?, ?)", userId,
        userId + "@example.com", deletedAt == null ? null : Timestamp.from(deletedAt));
    return userId;
  }

  private Instant deletedAt(UUID userId) {
    Timestamp at = jdbc.queryForObject("SELECT deleted_at FROM users WHERE user_id = ?", Timestamp.class, userId);
    return at == null ? null : at.toInstant();
  }

  private String send(MessageType<?> type, PhotobombMessage command) {
    return sendAt(type, command, Instant.now());
  }

  /** Publishes a command whose CloudEvents time (when its sender decided) is {@code at}. */
  private String sendAt(MessageType<?> type, PhotobombMessage command, Instant at) {
    String id = UUID.randomUUID().toString();
    Map<String, String> headers = new HashMap<>(TestCommands.headers(type, id, command.key(), null));
    headers.put(CloudEventHeaders.TIME, at.toString());
    kafka.send(type.topic(), command.key(), headers, codec.encode(command).getBytes(StandardCharsets.UTF_8));
    return id;
  }

  private <T extends PhotobombMessage> T await(MessageType<T> type, String causationId) {
    ConsumerRecord<String, byte[]> record = kafka.await(type.topic(),
        r -> causationId.equals(header(r, CloudEventHeaders.CAUSATION_ID)), WAIT);
    return codec.decode(type, record.value());
  }
}
