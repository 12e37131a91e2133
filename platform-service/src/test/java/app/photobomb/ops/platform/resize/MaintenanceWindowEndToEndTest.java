package app.photobomb.ops.platform.resize;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.DatabaseResizeRequested;
import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.PlatformOperationCompleted;
import app.photobomb.ops.common.events.PlatformOperationFailed;
import app.photobomb.ops.common.events.PlatformOperationPlanned;
import app.photobomb.ops.platform.AdjustableClock;
import app.photobomb.ops.platform.PlatformEvents;
import app.photobomb.ops.platform.PlatformServiceApplication;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.testsupport.google.FakeSqlAdmin;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.sqladmin.SQLAdmin;
import com.google.api.services.sqladmin.model.DatabaseFlags;
import com.google.api.services.sqladmin.model.DatabaseInstance;
import com.google.api.services.sqladmin.model.Operation;
import com.google.api.services.sqladmin.model.Settings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A resize waits for its maintenance window, then patches once with the other flags kept, and an edit of the
 * instance while it waits stops it instead of being overwritten. The window opens an hour from now, and the test
 * moves the service's clock there once the edit is made; {@code SHOW max_connections} reads a PostgreSQL of the
 * test's own, which it restarts with the new flag as Cloud SQL restarts the instance.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(properties = {"spring.config.name=" + PlatformServiceApplication.CONFIG_NAME,
    "photobomb.platform.google.local=true",
    "photobomb.platform.google.project=" + MaintenanceWindowEndToEndTest.PROJECT,
    "photobomb.platform.runner-interval=100ms",
    "photobomb.platform.database.poll-interval=100ms",
    "photobomb.platform.database.verify-grace=20s",
    "photobomb.platform.database.verify-username=postgres",
    "photobomb.platform.database.window.zone=UTC",
    "photobomb.platform.database.window.length=1h"})
@Import(MaintenanceWindowEndToEndTest.ServiceClock.class)
class MaintenanceWindowEndToEndTest {

  static final String PROJECT = "photobomb-window-test";
  private static final String DATABASE = "platform_window_e2e";
  private static final String SMALL = "db-custom-4-16384";
  private static final String LARGE = "db-custom-8-32768";
  private static final Duration WINDOW_DELAY = Duration.ofHours(1);
  private static ZonedDateTime window;

  private static FakeSqlAdmin sqlAdmin;
  private static Path instanceData;
  private static EmbeddedPostgres instanceDatabase;

  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  AdjustableClock clock;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) throws IOException {
    sqlAdmin = FakeSqlAdmin.start(PROJECT);
    instanceData = Files.createTempDirectory("resized-instance");
    instanceDatabase = EmbeddedPostgres.builder().setDataDirectory(instanceData)
        .setServerConfig("max_connections", "100").start();
    window = ZonedDateTime.now(ZoneOffset.UTC).plus(WINDOW_DELAY).truncatedTo(ChronoUnit.SECONDS);
    RealServers.register(registry, DATABASE, DatabaseRole.PLATFORM);
    registry.add("photobomb.platform.google.sql-admin-url", sqlAdmin::rootUrl);
    registry.add("photobomb.platform.database.verify-url", () -> instanceDatabase.getJdbcUrl("postgres", "postgres"));
    registry.add("photobomb.platform.database.window.week", () -> (window.getDayOfMonth() - 1) / 7 + 1);
    registry.add("photobomb.platform.database.window.day", () -> window.getDayOfWeek().name());
    registry.add("photobomb.platform.database.window.start", () -> window.toLocalTime().toString());
  }

  @AfterAll
  static void stop() throws IOException {
    sqlAdmin.close();
    instanceDatabase.close();
  }

  @Test
  void resizesInTheWindowWithTheOtherFlagsKeptAndStopsWhereTheInstanceWasEditedWhileItWaited() throws IOException {
    sqlAdmin.seedInstance("window-db", "POSTGRES_17", SMALL,
        Map.of("max_connections", "100", "log_min_duration_statement", "500"));
    sqlAdmin.seedInstance("edited-db", "POSTGRES_17", SMALL, Map.of("max_connections", "100"));
    UUID resized = UUID.randomUUID();
    UUID edited = UUID.randomUUID();
    try (PlatformEvents events = new PlatformEvents(RealServers.endpoints().kafkaBootstrapServers())) {
      events.send(MessageCatalog.DATABASE_RESIZE_REQUESTED, command(resized, "window-db"));
      events.send(MessageCatalog.DATABASE_RESIZE_REQUESTED, command(edited, "edited-db"));

      PlatformOperationPlanned plan = events.await(MessageCatalog.PLATFORM_OPERATION_PLANNED, resized);
      assertThat(plan.startsAt()).isEqualTo(window.toInstant());
      assertThat(plan.steps()).extracting(PlatformOperationPlanned.PlannedStep::name)
          .containsExactly("read-settings", "await-maintenance-window", "patch-instance", "verify");
      assertThat(plan.notes()).anySatisfy(note -> assertThat(note).contains("$250/mo", SMALL, "$500/mo", LARGE))
          .anySatisfy(note -> assertThat(note).contains("360"));

      // someone else changes a flag of edited-db while its resize waits for the window
      events.awaitStep(edited, "read-settings", "done");
      SQLAdmin client = new SQLAdmin.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), request -> { })
          .setRootUrl(sqlAdmin.rootUrl()).setApplicationName("someone-else").build();
      DatabaseInstance current = client.instances().get(PROJECT, "edited-db").execute();
      Operation edit = client.instances().patch(PROJECT, "edited-db", new DatabaseInstance().setSettings(new Settings()
          .setSettingsVersion(current.getSettings().getSettingsVersion())
          .setDatabaseFlags(List.of(new DatabaseFlags().setName("max_connections").setValue("150"))))).execute();
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> client.operations().get(PROJECT, edit.getName()).execute().getStatus().equals("DONE"));
      assertThat(clock.instant()).as("edited before the window opened").isBefore(window.toInstant());
      assertThat(patches("window-db")).isZero();
      Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.queryForObject(
          "SELECT next_run_at FROM platform_operations WHERE operation_id = ?", Timestamp.class, resized).toInstant())
          .as("the resize sleeps until the window").isEqualTo(window.toInstant()));

      clock.jumpTo(window.toInstant());
      events.awaitStep(resized, "patch-instance", "done");
      FakeSqlAdmin.Instance instance = sqlAdmin.instance("window-db").orElseThrow();
      assertThat(instance.tier()).isEqualTo(LARGE);
      assertThat(instance.databaseFlags()).containsEntry("max_connections", "400")
          .containsEntry("log_min_duration_statement", "500");
      restartInstanceDatabase(400);

      PlatformOperationCompleted completed = events.await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, resized);
      assertThat(completed.results()).containsEntry("maxConnections", "400").containsEntry("tier", LARGE)
          .containsEntry("pgbouncerServerConnections", "360");
      assertThat(patches("window-db")).isOne();
      assertThat(jdbc.queryForList("SELECT action FROM audit_logs WHERE details->>'operationId' = ? "
          + "ORDER BY audit_id", String.class, resized.toString())).containsExactly(
          "platform.database-resize.accepted", "platform.database-resize.read-settings.done",
          "platform.database-resize.await-maintenance-window.done", "platform.database-resize.patch-instance.done",
          "platform.database-resize.verify.done");

      PlatformOperationFailed failed = events.await(MessageCatalog.PLATFORM_OPERATION_FAILED, edited);
      assertThat(failed.failedStep()).isEqualTo("patch-instance");
      assertThat(failed.reason()).contains("changed since they were read", "settingsVersion");
      assertThat(patches("edited-db")).as("someone else's patch only").isOne();
      assertThat(sqlAdmin.instance("edited-db").orElseThrow().tier()).isEqualTo(SMALL);
    }
  }

  /** The service's clock, which the test moves to the window. */
  @TestConfiguration(proxyBeanMethods = false)
  static class ServiceClock {
    @Bean
    AdjustableClock clock() {
      return new AdjustableClock();
    }
  }

  private static DatabaseResizeRequested command(UUID id, String instance) {
    return new DatabaseResizeRequested(id, instance, LARGE, 400, false, false, true, "connection pool exhaustion",
        "oncall");
  }

  private static long patches(String instance) {
    return sqlAdmin.calls().stream()
        .filter(call -> call.method().equals("PATCH") && call.path().contains("/instances/" + instance)).count();
  }

  /** What Cloud SQL does when the patch is applied: the instance restarts with the new flag. */
  private static void restartInstanceDatabase(int maxConnections) throws IOException {
    int port = instanceDatabase.getPort();
    instanceDatabase.close();
    instanceDatabase = EmbeddedPostgres.builder().setDataDirectory(instanceData).setCleanDataDirectory(false)
        .setPort(port).setServerConfig("max_connections", String.valueOf(maxConnections)).start();
  }
}
