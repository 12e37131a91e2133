package app.photobomb.ops.platform.restore;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import app.photobomb.ops.common.events.BackupRestoreRequested;
import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PlatformMessage;
import app.photobomb.ops.common.events.PlatformOperationCompleted;
import app.photobomb.ops.common.events.PlatformOperationFailed;
import app.photobomb.ops.common.events.PlatformOperationPlanned;
import app.photobomb.ops.common.events.PlatformOperationProgressed;
import app.photobomb.ops.common.events.PlatformOperationRolledBack;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.TestCommands;
import app.photobomb.ops.platform.PlatformServiceApplication;
import app.photobomb.ops.platform.google.CloudRunService;
import app.photobomb.ops.platform.saga.StepFaults;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.testsupport.ServiceReplica;
import app.photobomb.ops.testsupport.google.FakeCloudRun;
import app.photobomb.ops.testsupport.google.FakeSqlAdmin;
import app.photobomb.ops.testsupport.google.GoogleFakeServer;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.UpdateServiceRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The restore saga end to end: the command in over the real Kafka, the saga's state in the real PostgreSQL, Cloud SQL
 * Admin on FakeSqlAdmin, Cloud Run Admin v2 on FakeCloudRun (in-process gRPC), the API's health endpoint on WireMock,
 * the validation queries over JDBC against the test database, events out over Kafka. The test context only takes
 * commands and relays the outbox (its runner waits an hour); the steps run in one service replica at a time, so a
 * test can stop it and start another, as a restart. The replica carries {@link StepFaults} for the fault matrix.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(properties = {"spring.config.name=" + PlatformServiceApplication.CONFIG_NAME,
    "photobomb.platform.runner-interval=1h"})
class BackupRestoreEndToEndTest {

  private static final String DATABASE = "platform_restore_e2e";
  private static final String PROJECT = "photobomb-test";
  private static final String SERVICE = "projects/" + PROJECT + "/locations/us-central1/services/photobomb-api";
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final FakeSqlAdmin SQL = FakeSqlAdmin.start(PROJECT);
  private static final FakeCloudRun CLOUD_RUN = new FakeCloudRun();
  private static final GoogleFakeServer GRPC = GoogleFakeServer.inProcess("restore-e2e", CLOUD_RUN);
  private static final WireMockServer HEALTH = new WireMockServer(WireMockConfiguration.options()
      .bindAddress("127.0.0.1").dynamicPort());
  private static KafkaTestClient kafka;
  private static ServiceReplica service;

  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  PayloadCodec codec;
  @Autowired
  ConfigurableEnvironment environment;
  @Autowired
  ServicesClient services;

  static {
    HEALTH.start();
    CLOUD_RUN.seedService(SERVICE, RevisionTemplate.newBuilder().addContainers(Container.newBuilder()
        .setImage("gcr.io/photobomb/api:1").addEnv(EnvVar.newBuilder().setName("DATABASE_INSTANCE")
            .setValue(PROJECT + ":us-central1:photobomb-prod-db"))).build());
  }

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, DATABASE, DatabaseRole.PLATFORM);
    registry.add("photobomb.platform.google.local", () -> "true");
    registry.add("photobomb.platform.google.project", () -> PROJECT);
    registry.add("photobomb.platform.google.sql-admin-url", SQL::rootUrl);
    registry.add("photobomb.platform.google.cloud-run-endpoint", GRPC::target);
    registry.add("photobomb.platform.max-backoff", () -> "200ms");
    registry.add("photobomb.platform.restore.poll-interval", () -> "100ms");
    registry.add("photobomb.platform.restore.health-url", () -> "http://127.0.0.1:" + HEALTH.port() + "/healthz");
    registry.add("photobomb.platform.restore.health-checks", () -> "2");
    registry.add("photobomb.platform.restore.health-interval", () -> "100ms");
    registry.add("photobomb.platform.restore.health-timeout", () -> "2s");
    // every instance's address leads to the test database: its schema history is the photobomb API's
    registry.add("photobomb.platform.restore.jdbc-url-template", () -> RealServers.endpoints().jdbcUrl(DATABASE));
    registry.add("photobomb.platform.restore.jdbc-username", () -> RealServers.endpoints().postgresUser());
    registry.add("photobomb.platform.restore.jdbc-password", () -> RealServers.endpoints().postgresPassword());
    registry.add("photobomb.platform.restore.schema-version-query", () -> "SELECT version FROM "
        + "photobomb_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1");
  }

  @BeforeAll
  static void connect() {
    kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers());
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    kafka.close();
    GRPC.close();
    SQL.close();
    HEALTH.stop();
  }

  @BeforeEach
  void serviceAndData() {
    if (service == null) {
      service = startService();
    }
    HEALTH.stubFor(get(urlEqualTo("/healthz")).willReturn(aResponse().withStatus(200).withBody("{\"status\":\"UP\"}")));
    if (jdbc.queryForObject("SELECT count(*) FROM photos", Long.class) == 0) {
      UUID user = UUID.randomUUID();
      jdbc.update("INSERT INTO users (user_id, email) VALUES (?, ?)", user, user + "@example.test");
      jdbc.update("INSERT INTO photos (photo_id, user_id, upload_id, original_filename, content_type, uploaded_at) "
          + "VALUES (?, ?, ?, 'a.jpg', 'image/jpeg', ?)", UUID.randomUUID(), user, UUID.randomUUID(),
          Timestamp.from(Instant.now()));
    }
  }

  @Test
  void newInstanceRestoreMovesTheApiToANewRevisionOnTheRestoredInstanceAndKeepsTheOldPrimary() {
    primary("prod-a");
    SQL.seedBackup("prod-a", 11, "SUCCESSFUL", Instant.now().minus(Duration.ofHours(26)));
    SQL.seedBackup("prod-a", 12, "SUCCESSFUL", Instant.now().minus(Duration.ofMinutes(30)));
    SQL.seedBackup("prod-a", 13, "FAILED", Instant.now().minus(Duration.ofMinutes(5)));
    String servingBefore = routing();
    UUID id = send(command("prod-a", null, false, false));

    PlatformOperationCompleted completed = await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);
    String created = completed.results().get("newInstance");
    assertThat(created).matches("prod-a-restore-\\d{8}-\\d{4}");
    assertThat(completed.results()).containsEntry("backupRunId", "12").containsEntry("rollbackInstance", "prod-a")
        .containsEntry("newInstanceConnectionName", PROJECT + ":us-central1:" + created)
        .containsEntry("previousRevision", servingBefore.split("=")[0]);
    FakeSqlAdmin.Instance restored = SQL.instance(created).orElseThrow();
    assertThat(restored.databaseVersion()).isEqualTo("POSTGRES_16");
    assertThat(restored.tier()).isEqualTo("db-custom-4-16384");
    assertThat(restored.restores()).extracting(FakeSqlAdmin.Restore::sourceInstance, FakeSqlAdmin.Restore::backupRunId)
        .containsExactly(tuple("prod-a", 12L));
    FakeSqlAdmin.Instance old = SQL.instance("prod-a").orElseThrow();
    assertThat(old.state()).isEqualTo("RUNNABLE");
    assertThat(old.restores()).isEmpty();
    assertThat(SQL.calls()).noneMatch(call -> !call.method().equals("GET")
        && (call.path().endsWith("/instances/prod-a") || call.path().endsWith("/instances/prod-a/restoreBackup")));

    String revision = completed.results().get("revision");
    assertThat(routing()).isEqualTo(revision + "=100");
    Service api = CLOUD_RUN.service(SERVICE).orElseThrow();
    assertThat(api.getTemplate().getContainers(0).getEnvList()).contains(EnvVar.newBuilder()
        .setName("DATABASE_INSTANCE").setValue(PROJECT + ":us-central1:" + created).build());
    assertThat(CLOUD_RUN.revisions(SERVICE).get(0).getName()).isEqualTo(SERVICE + "/revisions/" + revision);
    assertThat(all(MessageCatalog.PLATFORM_OPERATION_PROGRESSED, id)).extracting(PlatformOperationProgressed::step)
        .containsExactly("choose-backup", "create-instance", "restore-backup", "validate", "switch-api",
            "verify-health");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE action LIKE 'platform.restore.%.done' "
        + "AND details->>'operationId' = ?", Long.class, id.toString())).isEqualTo(6);
  }

  @Test
  void restoreAfterATrafficRollbackRunsTheServingRevisionsCodeOnTheRestoredInstance() throws Exception {
    primary("prod-rolled-back");
    SQL.seedBackup("prod-rolled-back", 41, "SUCCESSFUL", Instant.now().minus(Duration.ofMinutes(30)));
    // a rollback leaves the traffic on the serving revision and the template on the release it left
    String serving = CloudRunService.servingRevision(CLOUD_RUN.service(SERVICE).orElseThrow());
    String servingImage = CLOUD_RUN.revisions(SERVICE).stream().filter(r -> r.getName().endsWith("/" + serving))
        .findFirst().orElseThrow().getContainers(0).getImage();
    Service current = CLOUD_RUN.service(SERVICE).orElseThrow();
    RevisionTemplate bad = current.getTemplate().toBuilder().setRevision("photobomb-api-bad-" + UUID.randomUUID()
        .toString().substring(0, 8)).setContainers(0, current.getTemplate().getContainers(0).toBuilder()
        .setImage("photobomb/api:rolled-back")).build();
    services.updateServiceAsync(UpdateServiceRequest.newBuilder().setService(current.toBuilder().setTemplate(bad)
        .clearTraffic().addAllTraffic(CloudRunService.pinned(serving + "=100"))).build()).get();
    assertThat(routing()).isEqualTo(serving + "=100");

    UUID id = send(command("prod-rolled-back", null, false, false));
    PlatformOperationCompleted completed = await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);

    String revision = completed.results().get("revision");
    assertThat(CLOUD_RUN.revisions(SERVICE).stream().filter(r -> r.getName().endsWith("/" + revision)).findFirst()
        .orElseThrow().getContainers(0).getImage()).as("the code that served before the restore")
        .isEqualTo(servingImage).isNotEqualTo("photobomb/api:rolled-back");
    assertThat(routing()).isEqualTo(revision + "=100");
  }

  @Test
  void dryRunAnswersWithThePlanAndChangesNothing() {
    primary("prod-dry");
    SQL.seedBackup("prod-dry", 21, "SUCCESSFUL", Instant.now().minus(Duration.ofHours(1)));
    int sqlCalls = mutatingSqlCalls();
    int updates = CLOUD_RUN.calls("UpdateService").size();
    UUID id = send(new BackupRestoreRequested(UUID.randomUUID(), "prod-dry", null, null, null, false, true, false,
        "drill", "ops@photobomb"));

    PlatformOperationPlanned planned = await(MessageCatalog.PLATFORM_OPERATION_PLANNED, id);
    assertThat(planned.dryRun()).isTrue();
    assertThat(planned.steps()).extracting(PlatformOperationPlanned.PlannedStep::name).containsExactly(
        "choose-backup", "create-instance", "restore-backup", "validate", "switch-api", "verify-health");
    assertThat(planned.notes()).anyMatch(note -> note.contains("backup: run 21"))
        .anyMatch(note -> note.contains("prod-dry is kept unchanged as the rollback"));
    assertThat(await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id).dryRun()).isTrue();
    assertThat(mutatingSqlCalls()).isEqualTo(sqlCalls);
    assertThat(CLOUD_RUN.calls("UpdateService")).hasSize(updates);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM platform_operations WHERE operation_id = ?", Long.class, id))
        .isZero();
  }

  @Test
  void inPlaceIsRefusedWhileTheInstanceHasReadReplicas() {
    primary("prod-b");
    SQL.seedReplica("prod-b", "prod-b-replica");
    SQL.seedBackup("prod-b", 31, "SUCCESSFUL", Instant.now().minus(Duration.ofHours(1)));
    UUID id = send(command("prod-b", BackupRestoreRequested.IN_PLACE, false, true));

    PlatformOperationFailed failed = await(MessageCatalog.PLATFORM_OPERATION_FAILED, id);
    assertThat(failed.failedStep()).isEqualTo("plan");
    assertThat(failed.reason()).contains("prod-b has read replicas [prod-b-replica]")
        .contains("removes the runbook's own rollback (switch to a read replica)").contains("acceptReplicaLoss: true");
    assertThat(SQL.instance("prod-b-replica")).isPresent();
    assertThat(SQL.calls()).noneMatch(call -> call.path().contains("/instances/prod-b/restoreBackup"));
  }

  @Test
  void inPlaceWithAcceptedReplicaLossNeedsConfirmThenDeletesTheReplicasAndRestoresInPlace() {
    primary("prod-c");
    SQL.seedReplica("prod-c", "prod-c-replica");
    SQL.seedBackup("prod-c", 41, "SUCCESSFUL", Instant.now().minus(Duration.ofHours(1)));
    Service before = CLOUD_RUN.service(SERVICE).orElseThrow();
    UUID unconfirmed = send(new BackupRestoreRequested(UUID.randomUUID(), "prod-c", null,
        BackupRestoreRequested.IN_PLACE, null, true, false, false, "corruption", "ops@photobomb"));
    assertThat(await(MessageCatalog.PLATFORM_OPERATION_FAILED, unconfirmed).reason())
        .contains("destructive steps (delete-replicas, restore-backup)").contains("confirm: true");
    PlatformOperationPlanned plan = await(MessageCatalog.PLATFORM_OPERATION_PLANNED, unconfirmed);
    assertThat(plan.notes()).anyMatch(note -> note.contains("removes the runbook's rollback \"switch to read replica\""));
    assertThat(SQL.instance("prod-c-replica")).isPresent();

    UUID id = send(new BackupRestoreRequested(UUID.randomUUID(), "prod-c", null, BackupRestoreRequested.IN_PLACE,
        null, true, false, true, "corruption", "ops@photobomb"));
    PlatformOperationCompleted completed = await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);
    assertThat(completed.results()).containsEntry("deletedReplicas", "prod-c-replica").containsEntry("backupRunId", "41");
    assertThat(SQL.instance("prod-c-replica")).isEmpty();
    assertThat(SQL.instance("prod-c").orElseThrow().restores()).extracting(FakeSqlAdmin.Restore::backupRunId)
        .containsExactly(41L);
    assertThat(all(MessageCatalog.PLATFORM_OPERATION_PROGRESSED, id)).extracting(PlatformOperationProgressed::detail)
        .anyMatch(detail -> detail.contains("is INGRESS_TRAFFIC_NONE"));
    Service after = CLOUD_RUN.service(SERVICE).orElseThrow();
    assertThat(after.getIngress()).isEqualTo(before.getIngress());
    assertThat(CloudRunService.routing(after)).isEqualTo(CloudRunService.routing(before));
  }

  @Test
  void failedValidationNeverMovesTrafficAndNamesTheFailingCheckAndTheKeptInstance() {
    primary("prod-d");
    // a backup that began after the newest upload in the database: the restored data cannot be this backup's
    SQL.seedBackup("prod-d", 51, "SUCCESSFUL", Instant.now().plus(Duration.ofDays(1)));
    String servingBefore = routing();
    int updates = CLOUD_RUN.calls("UpdateService").size();
    UUID id = send(command("prod-d", null, false, false));

    PlatformOperationFailed failed = await(MessageCatalog.PLATFORM_OPERATION_FAILED, id);
    assertThat(failed.failedStep()).isEqualTo("validate");
    assertThat(failed.reason()).contains("check newest-photo").containsPattern("prod-d-restore-\\d{8}-\\d{4} is kept "
        + "for inspection").contains("the API still uses prod-d");
    assertThat(routing()).isEqualTo(servingBefore);
    assertThat(CLOUD_RUN.calls("UpdateService")).hasSize(updates);
  }

  @Test
  void failedValidationInPlaceReopensTheApiAndRollsBackNamingTheCheck() {
    primary("prod-e");
    SQL.seedBackup("prod-e", 61, "SUCCESSFUL", Instant.now().plus(Duration.ofDays(1)));
    Service before = CLOUD_RUN.service(SERVICE).orElseThrow();
    UUID id = send(command("prod-e", BackupRestoreRequested.IN_PLACE, false, true));

    PlatformOperationRolledBack rolledBack = await(MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK, id);
    assertThat(rolledBack.failedStep()).isEqualTo("validate");
    assertThat(rolledBack.reason()).contains("validation of prod-e failed: check newest-photo");
    assertThat(rolledBack.compensatedSteps()).containsExactly("close-api");
    assertThat(CLOUD_RUN.service(SERVICE).orElseThrow().getIngress()).isEqualTo(before.getIngress());
  }

  @Test
  void unhealthyApiAfterTheSwitchMovesTrafficBackToThePreviousRevision() {
    primary("prod-g");
    SQL.seedBackup("prod-g", 71, "SUCCESSFUL", Instant.now().minus(Duration.ofMinutes(10)));
    HEALTH.stubFor(get(urlEqualTo("/healthz")).willReturn(aResponse().withStatus(503)));
    String servingBefore = routing();
    EnvVar databaseBefore = databaseEnv();
    UUID id = send(command("prod-g", null, false, false));

    PlatformOperationRolledBack rolledBack = await(MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK, id);
    assertThat(rolledBack.failedStep()).isEqualTo("verify-health");
    assertThat(rolledBack.reason()).contains("check health").contains("HTTP 503").contains("kept for inspection");
    assertThat(rolledBack.compensatedSteps()).containsExactly("switch-api");
    assertThat(routing()).isEqualTo(servingBefore);
    assertThat(databaseEnv()).as("the next deployment keeps the old instance").isEqualTo(databaseBefore);
    assertThat(SQL.instance("prod-g").orElseThrow().restores()).isEmpty();
  }

  @Test
  void restoreOperationEndingInErrorFailsWithCloudSqlsError() {
    primary("prod-f");
    SQL.seedBackup("prod-f", 81, "SUCCESSFUL", Instant.now().minus(Duration.ofMinutes(10)));
    SQL.failNextOperation("RESTORE_VOLUME", "INTERNAL_ERROR", "the backup volume could not be read");
    String servingBefore = routing();
    UUID id = send(command("prod-f", null, false, false));

    PlatformOperationFailed failed = await(MessageCatalog.PLATFORM_OPERATION_FAILED, id);
    assertThat(failed.failedStep()).isEqualTo("restore-backup");
    assertThat(failed.reason()).contains("INTERNAL_ERROR: the backup volume could not be read")
        .contains("kept for inspection");
    assertThat(routing()).isEqualTo(servingBefore);
  }

  @Test
  void targetInstanceThatExistsAndIsNotThisOperationsIsNeverRestoredOver() {
    primary("prod-i");
    primary("prod-i-copy");
    SQL.seedBackup("prod-i", 95, "SUCCESSFUL", Instant.now().minus(Duration.ofMinutes(10)));
    UUID id = send(new BackupRestoreRequested(UUID.randomUUID(), "prod-i", null, null, "prod-i-copy", false, false,
        false, "restore drill", "ops@photobomb"));

    PlatformOperationFailed failed = await(MessageCatalog.PLATFORM_OPERATION_FAILED, id);
    assertThat(failed.failedStep()).isEqualTo("create-instance");
    assertThat(failed.reason()).contains("instance prod-i-copy exists already and was not made by this operation");
    assertThat(SQL.instance("prod-i-copy").orElseThrow().restores()).isEmpty();
  }

  @Test
  void restartWhileTheRestoreRunsPollsTheStoredOperationWithoutRestoringTwice() {
    primary("prod-h");
    SQL.seedBackup("prod-h", 91, "SUCCESSFUL", Instant.now().minus(Duration.ofMinutes(10)));
    SQL.operationSteps(30);
    try {
      UUID id = send(command("prod-h", null, false, false));
      String operation = Awaitility.await().atMost(WAIT).until(() -> jdbc.query("SELECT facts->>'restoreOperation' "
          + "FROM platform_operations WHERE operation_id = ?", (row, n) -> row.getString(1), id).stream()
          .filter(name -> name != null).findFirst().orElse(null), name -> name != null);
      service.close();
      service = null;
      long pollsBefore = operationPolls(operation);
      assertThat(SQL.instance(created(id)).orElseThrow().restores()).isEmpty();

      service = startService();
      PlatformOperationCompleted completed = await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);
      String created = completed.results().get("newInstance");
      assertThat(SQL.calls()).filteredOn(call -> call.path().endsWith("/instances/" + created + "/restoreBackup"))
          .hasSize(1);
      assertThat(operationPolls(operation)).isGreaterThan(pollsBefore);
      assertThat(SQL.instance(created).orElseThrow().restores()).hasSize(1);
    } finally {
      SQL.operationSteps(2);
    }
  }

  @Test
  void aCrashBeforeAndAfterEveryStepStillRestoresIntoOneNewInstanceWithOneRestoreAndOneSwitch() {
    primary("prod-crash");
    SQL.seedBackup("prod-crash", 101, "SUCCESSFUL", Instant.now().minus(Duration.ofMinutes(10)));
    int inserts = inserts();
    int updates = CLOUD_RUN.calls("UpdateService").size();
    BackupRestoreRequested command = command("prod-crash", null, false, false);
    faults().crashAroundEveryStep(command.operationId());
    UUID id = send(command);

    PlatformOperationCompleted completed = await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);
    String created = completed.results().get("newInstance");
    assertThat(faults().crashes()).contains(id + "/choose-backup/after-run", id + "/create-instance/after-run",
        id + "/restore-backup/after-run", id + "/validate/after-run", id + "/switch-api/after-run",
        id + "/verify-health/after-run");
    assertThat(inserts() - inserts).as("one new instance").isEqualTo(1);
    assertThat(restoreCalls(created)).as("restored once").isEqualTo(1);
    assertThat(SQL.instance(created).orElseThrow().restores()).hasSize(1);
    assertThat(CLOUD_RUN.calls("UpdateService").size() - updates).as("one switch").isEqualTo(1);
    assertThat(routing()).isEqualTo(completed.results().get("revision") + "=100");
    assertThat(SQL.instance("prod-crash").orElseThrow().restores()).isEmpty();
  }

  @Test
  void aCrashAroundEveryStepAndUndoOfARestoreFailingItsHealthCheckMovesTheApiBackToTheOldInstance() {
    primary("prod-crash-back");
    SQL.seedBackup("prod-crash-back", 102, "SUCCESSFUL", Instant.now().minus(Duration.ofMinutes(10)));
    String servingBefore = routing();
    EnvVar databaseBefore = databaseEnv();
    BackupRestoreRequested command = command("prod-crash-back", null, false, false);
    faults().crashAroundEveryStep(command.operationId());
    faults().failAfterItRuns(command.operationId(), "verify-health");
    UUID id = send(command);

    PlatformOperationRolledBack rolledBack = await(MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK, id);
    assertThat(rolledBack.failedStep()).isEqualTo("verify-health");
    assertThat(rolledBack.compensatedSteps()).containsExactly("switch-api");
    assertThat(faults().crashes()).contains(id + "/switch-api/after-run", id + "/switch-api/before-undo",
        id + "/switch-api/after-undo");
    assertThat(routing()).isEqualTo(servingBefore);
    assertThat(databaseEnv()).isEqualTo(databaseBefore);
  }

  @Test
  void aCrashBeforeAndAfterEveryStepInPlaceDeletesTheReplicaOnceRestoresOnceAndReopensTheApi() {
    primary("prod-crash-in-place");
    SQL.seedReplica("prod-crash-in-place", "prod-crash-in-place-replica");
    SQL.seedBackup("prod-crash-in-place", 103, "SUCCESSFUL", Instant.now().minus(Duration.ofMinutes(10)));
    Service before = CLOUD_RUN.service(SERVICE).orElseThrow();
    BackupRestoreRequested command = inPlace("prod-crash-in-place");
    faults().crashAroundEveryStep(command.operationId());
    UUID id = send(command);

    PlatformOperationCompleted completed = await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);
    assertThat(completed.results()).containsEntry("deletedReplicas", "prod-crash-in-place-replica");
    assertThat(faults().crashes()).contains(id + "/delete-replicas/after-run", id + "/close-api/after-run",
        id + "/restore-backup/after-run", id + "/reopen-api/after-run");
    assertThat(SQL.calls()).as("the replica deleted once").filteredOn(call -> call.method().equals("DELETE")
        && call.path().contains("/instances/prod-crash-in-place-replica")).hasSize(1);
    assertThat(restoreCalls("prod-crash-in-place")).as("restored once").isEqualTo(1);
    assertThat(SQL.instance("prod-crash-in-place").orElseThrow().restores()).hasSize(1);
    assertThat(CLOUD_RUN.service(SERVICE).orElseThrow().getIngress()).isEqualTo(before.getIngress());
  }

  /** Every new_instance step: the terminal event and the steps undone (the new instance is kept for inspection). */
  static Stream<Arguments> everyNewInstanceStep() {
    return Stream.of(
        Arguments.of("choose-backup", List.of()),
        Arguments.of("create-instance", List.of()),
        Arguments.of("restore-backup", List.of()),
        Arguments.of("validate", List.of()),
        Arguments.of("switch-api", List.of("switch-api")),
        Arguments.of("verify-health", List.of("switch-api")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyNewInstanceStep")
  void aNewInstanceStepFailingAfterItRanLeavesTheApiOnTheOldInstance(String step, List<String> compensated) {
    String instance = "prod-fail-" + step;
    primary(instance);
    SQL.seedBackup(instance, 110, "SUCCESSFUL", Instant.now().minus(Duration.ofMinutes(10)));
    String servingBefore = routing();
    EnvVar databaseBefore = databaseEnv();
    BackupRestoreRequested command = command(instance, null, false, false);
    faults().failAfterItRuns(command.operationId(), step);
    UUID id = send(command);

    assertTerminal(id, step, compensated);
    assertThat(routing()).isEqualTo(servingBefore);
    assertThat(databaseEnv()).isEqualTo(databaseBefore);
    assertThat(SQL.instance(instance).orElseThrow().restores()).isEmpty();
  }

  /** Every in_place step: the API reopened whatever failed (there is no undo of the restore itself). */
  static Stream<Arguments> everyInPlaceStep() {
    return Stream.of(
        Arguments.of("choose-backup", List.of()),
        Arguments.of("delete-replicas", List.of()),
        Arguments.of("close-api", List.of("close-api")),
        Arguments.of("restore-backup", List.of("close-api")),
        Arguments.of("validate", List.of("close-api")),
        Arguments.of("reopen-api", List.of("close-api")),
        Arguments.of("verify-health", List.of("close-api")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyInPlaceStep")
  void anInPlaceStepFailingAfterItRanLeavesTheApiOpen(String step, List<String> compensated) {
    String instance = "prod-fail-in-place-" + step;
    primary(instance);
    SQL.seedReplica(instance, instance + "-replica");
    SQL.seedBackup(instance, 120, "SUCCESSFUL", Instant.now().minus(Duration.ofMinutes(10)));
    Service before = CLOUD_RUN.service(SERVICE).orElseThrow();
    BackupRestoreRequested command = inPlace(instance);
    faults().failAfterItRuns(command.operationId(), step);
    UUID id = send(command);

    assertTerminal(id, step, compensated);
    assertThat(CLOUD_RUN.service(SERVICE).orElseThrow().getIngress()).isEqualTo(before.getIngress());
    assertThat(CloudRunService.routing(CLOUD_RUN.service(SERVICE).orElseThrow()))
        .isEqualTo(CloudRunService.routing(before));
  }

  private void assertTerminal(UUID id, String step, List<String> compensated) {
    if (compensated.isEmpty()) {
      PlatformOperationFailed failed = await(MessageCatalog.PLATFORM_OPERATION_FAILED, id);
      assertThat(failed.failedStep()).isEqualTo(step);
      assertThat(failed.reason()).contains("injected failure after " + step + " ran");
    } else {
      PlatformOperationRolledBack rolledBack = await(MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK, id);
      assertThat(rolledBack.failedStep()).isEqualTo(step);
      assertThat(rolledBack.reason()).contains("injected failure after " + step + " ran");
      assertThat(rolledBack.compensatedSteps()).isEqualTo(compensated);
    }
  }

  private static BackupRestoreRequested inPlace(String instance) {
    return new BackupRestoreRequested(UUID.randomUUID(), instance, null, BackupRestoreRequested.IN_PLACE, null, true,
        false, true, "corruption", "ops@photobomb");
  }

  private static StepFaults faults() {
    return service.bean(StepFaults.class);
  }

  private static int inserts() {
    return (int) SQL.calls().stream().filter(call -> call.method().equals("POST")
        && call.path().split("\\?")[0].endsWith("/projects/" + PROJECT + "/instances")).count();
  }

  private static int restoreCalls(String instance) {
    return (int) SQL.calls().stream().filter(call -> call.path().split("\\?")[0]
        .endsWith("/instances/" + instance + "/restoreBackup")).count();
  }

  private String created(UUID id) {
    return jdbc.queryForObject("SELECT facts->>'newInstance' FROM platform_operations WHERE operation_id = ?",
        String.class, id);
  }

  private long operationPolls(String operation) {
    return SQL.calls().stream().filter(call -> call.method().equals("GET") && call.path().endsWith("/operations/"
        + operation)).count();
  }

  private ServiceReplica startService() {
    return ServiceReplica.start(PlatformServiceApplication.application().sources(StepFaults.class), environment,
        Map.of("photobomb.platform.runner-interval", "100ms"));
  }

  private static void primary(String name) {
    SQL.seedInstance(name, "POSTGRES_16", "db-custom-4-16384", Map.of("max_connections", "200"));
  }

  private static BackupRestoreRequested command(String instance, String mode, boolean acceptReplicaLoss,
      boolean confirm) {
    return new BackupRestoreRequested(UUID.randomUUID(), instance, null, mode, null, acceptReplicaLoss, false,
        confirm, "restore drill", "ops@photobomb");
  }

  private static EnvVar databaseEnv() {
    return CLOUD_RUN.service(SERVICE).orElseThrow().getTemplate().getContainers(0).getEnvList().stream()
        .filter(env -> env.getName().equals("DATABASE_INSTANCE")).findFirst().orElseThrow();
  }

  private static String routing() {
    return CloudRunService.routing(CLOUD_RUN.service(SERVICE).orElseThrow());
  }

  private int mutatingSqlCalls() {
    return (int) SQL.calls().stream().filter(call -> !call.method().equals("GET")).count();
  }

  private UUID send(BackupRestoreRequested command) {
    MessageType<BackupRestoreRequested> type = MessageCatalog.BACKUP_RESTORE_REQUESTED;
    kafka.send(type.topic(), command.key(), TestCommands.headers(type, UUID.randomUUID().toString(), command.key(),
        null), codec.encode(command).getBytes(StandardCharsets.UTF_8));
    return command.operationId();
  }

  private <T extends PlatformMessage> T await(MessageType<T> type, UUID id) {
    return codec.decode(type, kafka.await(type.topic(), r -> id.toString().equals(r.key()), WAIT).value());
  }

  private <T extends PlatformMessage> List<T> all(MessageType<T> type, UUID id) {
    return kafka.readAll(type.topic()).stream().filter(r -> id.toString().equals(r.key()))
        .map(r -> codec.decode(type, r.value())).collect(Collectors.toList());
  }
}
