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
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.testsupport.ServiceReplica;
import app.photobomb.ops.testsupport.google.FakeSqlAdmin;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.sqladmin.SQLAdmin;
import com.google.api.services.sqladmin.model.DatabaseFlags;
import com.google.api.services.sqladmin.model.DatabaseInstance;
import com.google.api.services.sqladmin.model.Settings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The database-resize saga end to end: the command in over the real Kafka, the real SQL Admin client against the
 * Cloud SQL Admin stand-in, {@code SHOW max_connections} over JDBC on a PostgreSQL of its own that the test
 * restarts with the new flag (as Cloud SQL restarts the instance), state and audit rows in PostgreSQL, events out.
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
class DatabaseResizeEndToEndTest {

  static final String PROJECT = "photobomb-test";
  private static final String DATABASE = "platform_resize_e2e";
  private static final String SMALL = "db-custom-4-16384";
  private static final String LARGE = "db-custom-8-32768";
  /** A window test's maintenance window opens this long after the test starts. */
  private static final Duration WINDOW_DELAY = Duration.ofSeconds(5);

  private static FakeSqlAdmin sqlAdmin;
  private static Path instanceData;
  private static EmbeddedPostgres instanceDatabase;
  private static PlatformEvents events;

  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  ConfigurableEnvironment environment;
  @Autowired
  SagaScheduler scheduler;

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
  void resizesInTheMaintenanceWindowWithTheOtherFlagsKeptAndVerifiesMaxConnections() throws IOException {
    sqlAdmin.seedInstance("window-db", "POSTGRES_17", SMALL,
        Map.of("max_connections", "100", "log_min_duration_statement", "500"));
    UUID id = UUID.randomUUID();
    ZonedDateTime window = ZonedDateTime.now(ZoneOffset.UTC).plus(WINDOW_DELAY).truncatedTo(ChronoUnit.SECONDS);
    try (WindowReplica replica = new WindowReplica("window-", window)) {
      PlatformEvents events = replica.events;
      events.send(MessageCatalog.DATABASE_RESIZE_REQUESTED, command(id, "window-db", false, false, true));

      PlatformOperationPlanned plan = events.await(MessageCatalog.PLATFORM_OPERATION_PLANNED, id);
      assertThat(plan.startsAt()).isEqualTo(window.toInstant());
      assertThat(plan.steps()).extracting(PlatformOperationPlanned.PlannedStep::name)
          .containsExactly("read-settings", "await-maintenance-window", "patch-instance", "verify");
      assertThat(plan.notes()).anySatisfy(note -> assertThat(note).contains("$250/mo", SMALL, "$500/mo", LARGE))
          .anySatisfy(note -> assertThat(note).contains("360"));
      assertThat(patches("window-db")).isZero();

      events.awaitStep(id, "patch-instance", "done");
      assertThat(Instant.now()).isAfterOrEqualTo(window.toInstant());
      FakeSqlAdmin.Instance resized = sqlAdmin.instance("window-db").orElseThrow();
      assertThat(resized.tier()).isEqualTo(LARGE);
      assertThat(resized.databaseFlags()).containsEntry("max_connections", "400")
          .containsEntry("log_min_duration_statement", "500");
      restartInstanceDatabase(400);

      PlatformOperationCompleted completed = events.await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);
      assertThat(completed.dryRun()).isFalse();
      assertThat(completed.results()).containsEntry("maxConnections", "400").containsEntry("tier", LARGE)
          .containsEntry("pgbouncerServerConnections", "360");
    }
    assertThat(patches("window-db")).isOne();
    assertThat(jdbc.queryForList("SELECT action FROM audit_logs WHERE details->>'operationId' = ? ORDER BY audit_id",
        String.class, id.toString())).containsExactly("platform.database-resize.accepted",
        "platform.database-resize.read-settings.done", "platform.database-resize.await-maintenance-window.done",
        "platform.database-resize.patch-instance.done", "platform.database-resize.verify.done");
  }

  @Test
  void anEditOfTheInstanceWhileTheResizeWaitsIsDetectedAndNothingIsPatched() throws IOException {
    sqlAdmin.seedInstance("edited-db", "POSTGRES_17", SMALL, Map.of("max_connections", "100"));
    UUID id = UUID.randomUUID();
    ZonedDateTime window = ZonedDateTime.now(ZoneOffset.UTC).plus(WINDOW_DELAY).truncatedTo(ChronoUnit.SECONDS);
    try (WindowReplica replica = new WindowReplica("edited-", window)) {
      replica.events.send(MessageCatalog.DATABASE_RESIZE_REQUESTED, command(id, "edited-db", false, false, true));
      replica.events.awaitStep(id, "read-settings", "done");

      // someone else changes a flag while the saga waits for the window
      DatabaseInstance current = client().instances().get(PROJECT, "edited-db").execute();
      client().instances().patch(PROJECT, "edited-db", new DatabaseInstance().setSettings(new Settings()
          .setSettingsVersion(current.getSettings().getSettingsVersion())
          .setDatabaseFlags(List.of(new DatabaseFlags().setName("max_connections").setValue("150"))))).execute();

      PlatformOperationFailed failed = replica.events.await(MessageCatalog.PLATFORM_OPERATION_FAILED, id);
      assertThat(failed.failedStep()).isEqualTo("patch-instance");
      assertThat(failed.reason()).contains("changed since they were read", "settingsVersion");
    }
    assertThat(patches("edited-db")).as("the test's own patch only").isOne();
    assertThat(sqlAdmin.instance("edited-db").orElseThrow().tier()).isEqualTo(SMALL);
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

  /**
   * The service as a replica of its own topics (a prefix) whose maintenance window is this week's occurrence of
   * today at {@code window}; the test context's runner pauses meanwhile, so that only this replica's window counts.
   */
  private final class WindowReplica implements AutoCloseable {
    final PlatformEvents events;
    private final ServiceReplica replica;

    WindowReplica(String topicPrefix, ZonedDateTime window) {
      scheduler.stop();
      replica = ServiceReplica.start(PlatformServiceApplication.application(), environment, Map.of(
          "photobomb.messaging.topic-prefix", topicPrefix,
          "photobomb.platform.database.window.week", (window.getDayOfMonth() - 1) / 7 + 1,
          "photobomb.platform.database.window.day", window.getDayOfWeek().name(),
          "photobomb.platform.database.window.start", window.toLocalTime().toString()));
      events = new PlatformEvents(RealServers.endpoints().kafkaBootstrapServers(), topicPrefix);
    }

    @Override
    public void close() {
      events.close();
      replica.close();
      scheduler.start();
    }
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

  private static SQLAdmin client() {
    return new SQLAdmin.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), request -> { })
        .setRootUrl(sqlAdmin.rootUrl()).setApplicationName("test").build();
  }

  private static EmbeddedPostgres startInstanceDatabase(int maxConnections, boolean clean) throws IOException {
    return EmbeddedPostgres.builder().setDataDirectory(instanceData).setCleanDataDirectory(clean)
        .setServerConfig("max_connections", String.valueOf(maxConnections)).start();
  }

  /** What Cloud SQL does when the patch is applied: the instance restarts with the new flag. */
  private static void restartInstanceDatabase(int maxConnections) throws IOException {
    int port = instanceDatabase.getPort();
    instanceDatabase.close();
    instanceDatabase = EmbeddedPostgres.builder().setDataDirectory(instanceData).setCleanDataDirectory(false)
        .setPort(port).setServerConfig("max_connections", String.valueOf(maxConnections)).start();
  }
}
