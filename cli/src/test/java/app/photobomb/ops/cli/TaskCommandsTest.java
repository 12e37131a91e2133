package app.photobomb.ops.cli;

import static app.photobomb.ops.common.events.MessageCatalog.CACHE_PURGE_REQUESTED;
import static app.photobomb.ops.common.events.MessageCatalog.DATABASE_RESIZE_REQUESTED;
import static app.photobomb.ops.common.events.MessageCatalog.DEPLOYMENT_ROLLBACK_REQUESTED;
import static app.photobomb.ops.common.events.MessageCatalog.REPROCESS_BATCH;
import static app.photobomb.ops.common.events.MessageCatalog.REPROCESS_BATCH_CANCELLED;
import static app.photobomb.ops.common.events.MessageCatalog.REPROCESS_BATCH_COMPLETED;
import static app.photobomb.ops.common.events.MessageCatalog.SCALE_WORKERS_REQUESTED;
import static app.photobomb.ops.common.events.MessageCatalog.SCALING_FAILED;
import static app.photobomb.ops.common.events.MessageCatalog.USER_DELETION_REQUESTED;
import static app.photobomb.ops.common.events.MessageCatalog.USER_EXPORT_COMPLETED;
import static app.photobomb.ops.common.events.MessageCatalog.USER_EXPORT_PROGRESSED;
import static app.photobomb.ops.common.events.MessageCatalog.USER_EXPORT_REQUESTED;
import static app.photobomb.ops.common.events.MessageCatalog.WORKERS_SCALED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PhotobombMessage;
import app.photobomb.ops.common.events.ReprocessBatchCompleted;
import app.photobomb.ops.common.events.ScalingFailed;
import app.photobomb.ops.common.events.UserExportCompleted;
import app.photobomb.ops.common.events.UserExportProgressed;
import app.photobomb.ops.common.events.UserExportRequested;
import app.photobomb.ops.common.events.WorkersScaled;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The task subcommands against a real Kafka broker, with the test playing the services: what reaches the topic,
 * which answers end a command, the exit codes and the {@code --json} lines. Each test has topics of its own (a
 * prefix), so that "nothing published" can be checked.
 */
class TaskCommandsTest {

  private static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  private final PayloadCodec codec = new PayloadCodec();
  private final String prefix = "cli-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private KafkaTestClient kafka;

  @BeforeEach
  void connect() {
    kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers());
  }

  @AfterEach
  void disconnect() {
    kafka.close();
  }

  @Test
  void badInputOfEveryTaskFamilyExitsTwoWithTheReasonAndPublishesNothing() {
    String user = UUID.randomUUID().toString();
    assertThat(run("export", "not-a-uuid")).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(run("delete-user", user, "--now")).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(run("delete-user", user, "--cancel", "--now", "--reason", "x")).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(run("reprocess", "--type", "reprocess_thumbnails")).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(run("reprocess", "--type", "sharpen", "--user", user)).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(run("reprocess", "--type", "reprocess_thumbnails", "--user", user, "--priority", "101"))
        .isEqualTo(ExitCode.BAD_INPUT);
    assertThat(run("scale", "thumbnail-worker", "5000", "--reason", "spike")).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(run("scale", "thumbnail-worker", "5")).as("--reason is required").isEqualTo(ExitCode.BAD_INPUT);
    assertThat(run("purge", "--everything")).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(run("purge")).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(run("resize-db", "--tier", "db-custom-8-32768", "--max-connections", "10"))
        .isEqualTo(ExitCode.BAD_INPUT);
    assertThat(run("rollback", "--revision", "Not_A_Revision", "--confirm")).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(run("rotate-secrets", "--secret", "ssh")).isEqualTo(ExitCode.BAD_INPUT);

    assertThat(err.toString())
        .contains("--now deletes at once and needs --reason TEXT")
        .contains("name the photos: --processed-before DATE, --user ID or --photo ID")
        .contains("ReprocessBatch does not match its schema: ", "/priority")
        .contains("ScaleWorkersRequested does not match its schema: ", "/replicas")
        .contains("DatabaseResizeRequested does not match its schema: ", "/maxConnections")
        .contains("DeploymentRollbackRequested does not match its schema: ", "/revision")
        .contains("--everything empties the whole zone's cache and causes an origin load spike: add --confirm")
        .as("one line each, no stack trace").doesNotContain("\tat ");
    for (MessageType<?> command : List.of(USER_EXPORT_REQUESTED, USER_DELETION_REQUESTED, REPROCESS_BATCH,
        SCALE_WORKERS_REQUESTED, CACHE_PURGE_REQUESTED, DATABASE_RESIZE_REQUESTED, DEPLOYMENT_ROLLBACK_REQUESTED,
        MessageCatalog.SECRET_ROTATION_REQUESTED)) {
      assertThat(kafka.readAll(prefix + command.topic())).as(command.name()).isEmpty();
    }
  }

  @Test
  void noWaitPublishesTheCommandWithItsCloudEventsHeadersAndExitsOnTheAck() {
    UUID user = UUID.randomUUID();
    assertThat(run("export", user.toString(), "--no-wait", "--requested-by", "support")).isEqualTo(ExitCode.COMPLETED);

    List<ConsumerRecord<String, byte[]>> records = kafka.readAll(prefix + USER_EXPORT_REQUESTED.topic());
    assertThat(records).singleElement().satisfies(record -> {
      assertThat(record.key()).isEqualTo(user.toString());
      String id = KafkaTestClient.header(record, CloudEventHeaders.ID);
      assertThat(KafkaTestClient.header(record, CloudEventHeaders.CORRELATION_ID)).isEqualTo(id);
      assertThat(KafkaTestClient.header(record, CloudEventHeaders.SOURCE)).isEqualTo("urn:photobomb-ops:cli");
      assertThat(KafkaTestClient.header(record, CloudEventHeaders.TYPE)).isEqualTo("app.photobomb.UserExportRequested");
      assertThat(KafkaTestClient.header(record, CloudEventHeaders.SUBJECT)).isEqualTo(user.toString());
      assertThat(KafkaTestClient.header(record, CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
      assertThat(KafkaTestClient.header(record, CloudEventHeaders.CONTENT_TYPE)).isEqualTo("application/json");
      UserExportRequested payload = codec.decode(USER_EXPORT_REQUESTED, record.value());
      assertThat(payload.userId()).isEqualTo(user);
      assertThat(payload.requestedBy()).isEqualTo("support");
      assertThat(payload.exportId()).isNotNull();
      assertThat(out.toString()).contains("correlation id " + id);
    });
  }

  @Test
  void aCommandNobodyAnswersExitsThreeAfterItsWait() {
    long started = System.nanoTime();
    assertThat(run("scale", "thumbnail-worker", "4", "--reason", "spike", "--wait", "2s"))
        .isEqualTo(ExitCode.TIMED_OUT);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(err.toString()).contains("no terminal event within 2s");
    assertThat(kafka.readAll(prefix + SCALE_WORKERS_REQUESTED.topic())).hasSize(1);
  }

  @Test
  void jsonPrintsTheCommandAndEachAnswerOfItsCorrelationAsOneLineAndNothingElse() throws Exception {
    UUID user = UUID.randomUUID();
    CompletableFuture<Integer> exit = runInBackground("export", user.toString(), "--json", "--wait", "60s");
    ConsumerRecord<String, byte[]> command = kafka.await(prefix + USER_EXPORT_REQUESTED.topic(), r -> true,
        Duration.ofSeconds(30));
    String correlation = KafkaTestClient.header(command, CloudEventHeaders.ID);
    UUID exportId = codec.decode(USER_EXPORT_REQUESTED, command.value()).exportId();
    answer(USER_EXPORT_PROGRESSED, new UserExportProgressed(UUID.randomUUID(), user, 1, 9, 10), "another");
    answer(USER_EXPORT_PROGRESSED, new UserExportProgressed(exportId, user, 3, 4, 1000), correlation);
    answer(USER_EXPORT_COMPLETED, new UserExportCompleted(exportId, user, "https://links.example/x.zip",
        Instant.parse("2026-12-09T00:00:00Z"), 4, 2000, SHA256), correlation);

    assertThat(exit.get()).isEqualTo(ExitCode.COMPLETED);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      lines.add(codec.readTree(line));
    }
    assertThat(lines).extracting(line -> line.path("topic").asString()).containsExactly(
        prefix + "user-export-requested", prefix + "user-export-progressed", prefix + "user-export-completed");
    assertThat(lines).allSatisfy(line -> {
      assertThat(line.path("type").asString()).startsWith("app.photobomb.UserExport");
      assertThat(line.path("ce_id").asString()).isNotBlank();
      assertThat(Instant.parse(line.path("time").asString())).isBeforeOrEqualTo(Instant.now());
      assertThat(line.path("payload").path("userId").asString()).isEqualTo(user.toString());
    });
    assertThat(lines.get(0).path("ce_id").asString()).isEqualTo(correlation);
    assertThat(lines.get(2).path("payload").path("url").asString()).isEqualTo("https://links.example/x.zip");
  }

  @Test
  void theExportsLinkIsPrintedInWordsWhenItCompletes() throws Exception {
    UUID user = UUID.randomUUID();
    CompletableFuture<Integer> exit = runInBackground("export", user.toString(), "--wait", "60s");
    ConsumerRecord<String, byte[]> command = kafka.await(prefix + USER_EXPORT_REQUESTED.topic(), r -> true,
        Duration.ofSeconds(30));
    UUID exportId = codec.decode(USER_EXPORT_REQUESTED, command.value()).exportId();
    answer(USER_EXPORT_COMPLETED, new UserExportCompleted(exportId, user, "https://links.example/y.zip",
        Instant.parse("2026-12-09T00:00:00Z"), 4, 2000, SHA256), KafkaTestClient.header(command, CloudEventHeaders.ID));

    assertThat(exit.get()).isEqualTo(ExitCode.COMPLETED);
    assertThat(out.toString()).contains("sent UserExportRequested", "export " + exportId + " ready: 4 photos",
        "download (until 2026-12-09T00:00:00Z): https://links.example/y.zip");
  }

  @Test
  void scaledBelowTheReplicasAskedEndsOnTheFailureThatFollowsWithItsReason() throws Exception {
    CompletableFuture<Integer> exit = runInBackground("scale", "thumbnail-worker", "50", "--reason", "spike",
        "--wait", "60s");
    ConsumerRecord<String, byte[]> command = kafka.await(prefix + SCALE_WORKERS_REQUESTED.topic(), r -> true,
        Duration.ofSeconds(30));
    String correlation = KafkaTestClient.header(command, CloudEventHeaders.ID);
    answer(WORKERS_SCALED, new WorkersScaled("thumbnail-worker", "photobomb", 3, 20, "manual"), correlation);
    await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("not the 50 asked"));
    assertThat(exit).as("a completion short of the replicas asked waits for the failure after it").isNotDone();
    answer(SCALING_FAILED, new ScalingFailed("thumbnail-worker", "photobomb",
        "above_max: 50 replicas asked, more than the 20 the policy allows"), correlation);

    assertThat(exit.get()).isEqualTo(ExitCode.FAILED);
    assertThat(out.toString()).contains("scaled from 3 to 20 replicas (manual), not the 50 asked",
        "photobomb/thumbnail-worker not scaled as asked: above_max: 50 replicas asked");
  }

  @Test
  void aCancelFollowsItsBatchToTheCompletionWhateverItsCorrelation() throws Exception {
    UUID batch = UUID.randomUUID();
    CompletableFuture<Integer> exit = runInBackground("reprocess", "--cancel", batch.toString(), "--reason", "wrong",
        "--wait", "60s");
    kafka.await(prefix + REPROCESS_BATCH_CANCELLED.topic(), r -> true, Duration.ofSeconds(30));
    answer(REPROCESS_BATCH_COMPLETED, new ReprocessBatchCompleted(UUID.randomUUID(), 1, 0, 0L), "another batch's");
    answer(REPROCESS_BATCH_COMPLETED, new ReprocessBatchCompleted(batch, 5, 1, 94L), "the batch's own");

    assertThat(exit.get()).isEqualTo(ExitCode.COMPLETED);
    assertThat(out.toString()).contains("batch " + batch + " completed: 5 done, 1 failed, 94 cancelled");
  }

  private void answer(MessageType<?> type, PhotobombMessage event, String correlationId) {
    String id = UUID.randomUUID().toString();
    kafka.send(prefix + type.topic(), event.key(), CloudEventHeaders.forCommand(type, id,
        "urn:photobomb-ops:test-service", event.key(), correlationId),
        codec.encode(event).getBytes(StandardCharsets.UTF_8));
  }

  private CompletableFuture<Integer> runInBackground(String... args) {
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run(args));
    // the command is published once the follower stands at the reply topics' ends: then answers can be sent
    await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("sent ")
        || out.toString().contains("\"topic\"") || exit.isDone());
    return exit;
  }

  private int run(String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    line.addAll(List.of("--bootstrap-servers", RealServers.endpoints().kafkaBootstrapServers(),
        "--topic-prefix", prefix));
    return PhotobombOps.run(new PrintWriter(out, true), new PrintWriter(err, true), line.toArray(String[]::new));
  }
}
