package app.photobomb.ops.platform.resize;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.DatabaseResizeRequested;
import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.PlatformOperationCompleted;
import app.photobomb.ops.common.events.PlatformOperationFailed;
import app.photobomb.ops.common.events.PlatformOperationPlanned;
import app.photobomb.ops.platform.PlatformEvents;
import app.photobomb.ops.platform.PlatformServiceApplication;
import app.photobomb.ops.platform.saga.SagaScheduler;
import app.photobomb.ops.platform.saga.StepFaults;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.testsupport.ServiceReplica;
import app.photobomb.ops.testsupport.google.FakeSqlAdmin;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The database-resize saga end to end with {@code now: true}: the command in over the real Kafka, the real SQL Admin
 * client against the Cloud SQL Admin stand-in, {@code SHOW max_connections} over JDBC on a PostgreSQL of its own,
 * state and audit rows in PostgreSQL, events out. The maintenance window: {@link MaintenanceWindowEndToEndTest}.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(properties = {"spring.config.name=" + PlatformServiceApplication.CONFIG_NAME,
    "photobomb.platform.google.local=true",
    "photobomb.platform.google.project=" + DatabaseResizeEndToEndTest.PROJECT,
    "photobomb.platform.runner-interval=100ms",
    "photobomb.platform.max-backoff=200ms",
    "photobomb.platform.database.poll-interval=100ms",
    "photobomb.platform.database.verify-grace=8s",
    "photobomb.platform.database.verify-username=postgres",
    "photobomb.platform.database.window.zone=UTC",
    "photobomb.platform.database.window.length=1h"})
@Import(StepFaults.class)
class DatabaseResizeEndToEndTest {

  static final String PROJECT = "photobomb-test";
  private static final String DATABASE = "platform_resize_e2e";
  private static final String SMALL = "db-custom-4-16384";
  private static final String LARGE = "db-custom-8-32768";

  private static FakeSqlAdmin sqlAdmin;
  private static Path instanceData;
  private static EmbeddedPostgres instanceDatabase;
  private static PlatformEvents events;

  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  ConfigurableEnvironment environment;
  @Autowired
  SagaScheduler scheduler;
  @Autowired
  StepFaults faults;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) throws IOException {
    sqlAdmin = FakeSqlAdmin.start(PROJECT);
    instanceData = Files.createTempDirectory("resized-instance");
    instanceDatabase = startInstanceDatabase(100, true);
    RealServers.register(registry, DATABASE, DatabaseRole.PLATFORM);
    registry.add("photobomb.platform.google.sql-admin-url", sqlAdmin::rootUrl);
    registry.add("photobomb.platform.database.verify-url", () -> instanceDatabase.getJdbcUrl("postgres", "postgres"));
  }

  @BeforeAll
  static void connect() {
    events = new PlatformEvents(RealServers.endpoints().kafkaBootstrapServers());
  }

  @AfterAll
  static void stop() throws IOException {
    events.close();
    sqlAdmin.close();
    instanceDatabase.close();
  }

  @Test
  void dryRunAnswersWithThePlanAndChangesNothing() {
    sqlAdmin.seedInstance("dry-db", "POSTGRES_17", SMALL, Map.of());
    UUID id = UUID.randomUUID();
    events.send(MessageCatalog.DATABASE_RESIZE_REQUESTED,
        new DatabaseResizeRequested(id, "dry-db", LARGE, 400, true, true, false, "capacity", "oncall"));

    PlatformOperationPlanned plan = events.await(MessageCatalog.PLATFORM_OPERATION_PLANNED, id);
    assertThat(plan.dryRun()).isTrue();
    assertThat(plan.startsAt()).as("now: true").isNull();
    assertThat(plan.steps()).filteredOn(PlatformOperationPlanned.PlannedStep::destructive)
        .extracting(PlatformOperationPlanned.PlannedStep::name).containsExactly("patch-instance");
    assertThat(events.await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id).dryRun()).isTrue();
    assertThat(patches("dry-db")).isZero();
    assertThat(jdbc.queryForObject("SELECT count(*) FROM platform_operations WHERE operation_id = ?", Integer.class,
        id)).isZero();
  }

  @Test
  void aResizeWithoutConfirmIsRefusedWithThePlanAndNothingChanges() {
    sqlAdmin.seedInstance("unconfirmed-db", "POSTGRES_17", SMALL, Map.of());
    UUID id = UUID.randomUUID();
    events.send(MessageCatalog.DATABASE_RESIZE_REQUESTED, command(id, "unconfirmed-db", true, false, false));

    PlatformOperationFailed failed = events.await(MessageCatalog.PLATFORM_OPERATION_FAILED, id);
    assertThat(failed.failedStep()).isEqualTo("plan");
    assertThat(failed.reason()).contains("patch-instance", "confirm: true");
    assertThat(events.all(MessageCatalog.PLATFORM_OPERATION_PLANNED, id)).hasSize(1);
    assertThat(patches("unconfirmed-db")).isZero();
  }

  @Test
  void aPatchOperationEndingInErrorFailsTheSagaWithTheApisError() {
    sqlAdmin.seedInstance("failing-db", "POSTGRES_17", SMALL, Map.of());
    sqlAdmin.failNextOperation("UPDATE", "INTERNAL_ERROR", "tier change failed");
    UUID id = UUID.randomUUID();
    events.send(MessageCatalog.DATABASE_RESIZE_REQUESTED, command(id, "failing-db", true, false, true));

    PlatformOperationFailed failed = events.await(MessageCatalog.PLATFORM_OPERATION_FAILED, id);
    assertThat(failed.failedStep()).isEqualTo("patch-instance");
    assertThat(failed.reason()).contains("INTERNAL_ERROR", "tier change failed");
    assertThat(sqlAdmin.instance("failing-db").orElseThrow().tier()).isEqualTo(SMALL);
  }

  @Test
  void maxConnectionsThatNeverShowsTheNewValueFailsTheVerificationWithWhatItSaw() {
    sqlAdmin.seedInstance("unapplied-db", "POSTGRES_17", SMALL, Map.of());
    UUID id = UUID.randomUUID();
    // the instance database never restarts with 250
    events.send(MessageCatalog.DATABASE_RESIZE_REQUESTED,
        new DatabaseResizeRequested(id, "unapplied-db", null, 250, true, false, true, "capacity", "oncall"));

    PlatformOperationFailed failed = events.await(MessageCatalog.PLATFORM_OPERATION_FAILED, id);
    assertThat(failed.failedStep()).isEqualTo("verify");
    assertThat(failed.reason()).contains("after the patch, not 250", "unapplied-db");
    assertThat(sqlAdmin.instance("unapplied-db").orElseThrow().databaseFlags()).containsEntry("max_connections", "250");
  }

  @Test
  void aServiceRestartedWhileThePatchRunsPollsTheStoredOperationAndPatchesOnce() {
    sqlAdmin.seedInstance("restart-db", "POSTGRES_17", SMALL, Map.of());
    sqlAdmin.operationSteps(30);
    UUID id = UUID.randomUUID();
    events.send(MessageCatalog.DATABASE_RESIZE_REQUESTED,
        new DatabaseResizeRequested(id, "restart-db", LARGE, null, true, false, true, "capacity", "oncall"));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList(
        "SELECT facts->>'patchOperation' FROM platform_operations WHERE operation_id = ?", String.class, id)
        .stream().anyMatch(name -> name != null));

    scheduler.stop();
    try (ServiceReplica restarted = ServiceReplica.start(PlatformServiceApplication.application(), environment)) {
      sqlAdmin.operationSteps(0);
      PlatformOperationCompleted completed = events.await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);
      assertThat(completed.results()).containsEntry("tier", LARGE);
    } finally {
      scheduler.start();
    }
    assertThat(patches("restart-db")).isOne();
    assertThat(sqlAdmin.instance("restart-db").orElseThrow().tier()).isEqualTo(LARGE);
  }

  @Test
  void aCrashBeforeAndAfterEveryStepStillResizesWithOnePatch() {
    sqlAdmin.seedInstance("crashing-db", "POSTGRES_17", SMALL, Map.of("max_connections", "100"));
    UUID id = UUID.randomUUID();
    faults.crashAroundEveryStep(id);
    events.send(MessageCatalog.DATABASE_RESIZE_REQUESTED,
        new DatabaseResizeRequested(id, "crashing-db", LARGE, null, true, false, true, "capacity", "oncall"));

    PlatformOperationCompleted completed = events.await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);
    assertThat(completed.results()).containsEntry("tier", LARGE);
    assertThat(faults.crashes()).contains(id + "/read-settings/after-run", id + "/patch-instance/before-run",
        id + "/patch-instance/after-run", id + "/verify/after-run");
    assertThat(patches("crashing-db")).isOne();
    assertThat(sqlAdmin.instance("crashing-db").orElseThrow().databaseFlags()).containsEntry("max_connections", "100");
  }

  /** Every step; none is undoable (a resize back would be a second restart), so every failure ends failed. */
  static Stream<Arguments> everyStep() {
    return Stream.of(
        Arguments.of("read-settings", 0, SMALL),
        Arguments.of("await-maintenance-window", 0, SMALL),
        // the patch went through (operations done at once here) and stays: nothing is undone
        Arguments.of("patch-instance", 1, LARGE),
        Arguments.of("verify", 1, LARGE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyStep")
  void aStepFailingAfterItRanEndsTheResizeFailedThereAndPatchesAtMostOnce(String step, int patches, String tier) {
    String instance = "failing-after-" + step;
    sqlAdmin.seedInstance(instance, "POSTGRES_17", SMALL, Map.of("max_connections", "100"));
    sqlAdmin.operationSteps(0);
    UUID id = UUID.randomUUID();
    faults.failAfterItRuns(id, step);
    events.send(MessageCatalog.DATABASE_RESIZE_REQUESTED,
        new DatabaseResizeRequested(id, instance, LARGE, null, true, false, true, "capacity", "oncall"));

    PlatformOperationFailed failed = events.await(MessageCatalog.PLATFORM_OPERATION_FAILED, id);
    assertThat(failed.failedStep()).isEqualTo(step);
    assertThat(failed.reason()).contains("injected failure after " + step + " ran");
    assertThat(events.all(MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK, id)).isEmpty();
    assertThat(patches(instance)).isEqualTo(patches);
    assertThat(sqlAdmin.instance(instance).orElseThrow().tier()).isEqualTo(tier);
    assertThat(sqlAdmin.instance(instance).orElseThrow().databaseFlags()).containsEntry("max_connections", "100");
  }

  private static DatabaseResizeRequested command(UUID id, String instance, boolean now, boolean dryRun,
      boolean confirm) {
    return new DatabaseResizeRequested(id, instance, LARGE, 400, now, dryRun, confirm, "connection pool exhaustion",
        "oncall");
  }

  private long patches(String instance) {
    return sqlAdmin.calls().stream()
        .filter(call -> call.method().equals("PATCH") && call.path().contains("/instances/" + instance)).count();
  }

  private static EmbeddedPostgres startInstanceDatabase(int maxConnections, boolean clean) throws IOException {
    return EmbeddedPostgres.builder().setDataDirectory(instanceData).setCleanDataDirectory(clean)
        .setServerConfig("max_connections", String.valueOf(maxConnections)).start();
  }
}
