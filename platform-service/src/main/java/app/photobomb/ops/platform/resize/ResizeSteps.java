package app.photobomb.ops.platform.resize;

import app.photobomb.ops.common.events.DatabaseResizeRequested;
import app.photobomb.ops.platform.google.CloudSql;
import app.photobomb.ops.platform.resize.DatabaseProperties.MaintenanceWindow;
import app.photobomb.ops.platform.saga.Step;
import app.photobomb.ops.platform.saga.StepContext;
import app.photobomb.ops.platform.saga.StepOutcome;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.services.sqladmin.model.DatabaseFlags;
import com.google.api.services.sqladmin.model.DatabaseInstance;
import com.google.api.services.sqladmin.model.Operation;
import com.google.api.services.sqladmin.model.Settings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The steps of the database-resize saga. */
final class ResizeSteps {

  static final String MAX_CONNECTIONS = "max_connections";
  /** When read-settings read the instance: a patch operation inserted since then is this saga's own. */
  static final String READ_AT = "settingsReadAt";

  private ResizeSteps() {
  }

  static Optional<String> maxConnectionsOf(DatabaseInstance instance) {
    List<DatabaseFlags> flags = instance.getSettings().getDatabaseFlags();
    return flags == null ? Optional.empty()
        : flags.stream().filter(flag -> MAX_CONNECTIONS.equals(flag.getName())).map(DatabaseFlags::getValue).findFirst();
  }

  static int pgbouncerLimit(DatabaseProperties properties, int maxConnections) {
    return (int) Math.floor(maxConnections * properties.pgbouncerShare());
  }

  /** Whether the instance already has what the command asks for. */
  static boolean asAsked(DatabaseInstance instance, DatabaseResizeRequested command) {
    boolean tier = command.tier() == null || command.tier().equals(instance.getSettings().getTier());
    boolean flag = command.maxConnections() == null
        || maxConnectionsOf(instance).equals(Optional.of(command.maxConnections().toString()));
    return tier && flag;
  }

  /** Reads the settings the patch is based on: its settingsVersion detects anyone else's edit in between. */
  record ReadSettings(CloudSql cloudSql, DatabaseResizeRequested command) implements Step {

    @Override
    public String name() {
      return "read-settings";
    }

    @Override
    public String resource() {
      return "cloudsql instance " + command.instance();
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      DatabaseInstance instance = cloudSql.instance(command.instance());
      if (!"RUNNABLE".equals(instance.getState())) {
        return StepOutcome.fail(command.instance() + " is " + instance.getState() + ", not RUNNABLE: resize it once "
            + "it runs again");
      }
      Settings settings = instance.getSettings();
      context.remember("settingsVersion", String.valueOf(settings.getSettingsVersion()));
      context.remember(READ_AT, context.now().toString());
      context.remember("previousTier", settings.getTier());
      context.remember("previousMaxConnections", maxConnectionsOf(instance).orElse("default"));
      return StepOutcome.done("tier " + settings.getTier() + ", max_connections "
          + maxConnectionsOf(instance).orElse("default") + ", settingsVersion " + settings.getSettingsVersion());
    }
  }

  /** Waits for the maintenance window: the resize restarts the instance. */
  record AwaitWindow(MaintenanceWindow window, DatabaseResizeRequested command) implements Step {

    @Override
    public String name() {
      return "await-maintenance-window";
    }

    @Override
    public String resource() {
      return command.now() ? "none (now: true)" : "week " + window.week() + " " + window.day() + " " + window.start()
          + "-" + window.start().plus(window.length()) + " " + window.zone();
    }

    @Override
    public StepOutcome run(StepContext context) {
      if (command.now()) {
        return StepOutcome.done("now: true, no window awaited");
      }
      Instant next = MaintenanceWindows.next(window, context.now());
      return next.equals(context.now()) ? StepOutcome.done("window open")
          : StepOutcome.waitFor(Duration.between(context.now(), next), "waiting for the window at " + next);
    }

    @Override
    public Duration timeout() {
      return Duration.ofDays(40);
    }
  }

  /** One patch of tier and flags (the API replaces the whole flag list, so the others are merged in). */
  record Patch(CloudSql cloudSql, DatabaseProperties properties, DatabaseResizeRequested command) implements Step {

    private static final String OPERATION = "patchOperation";

    @Override
    public String name() {
      return "patch-instance";
    }

    @Override
    public String resource() {
      return "cloudsql instance " + command.instance() + ": tier " + Objects.requireNonNullElse(command.tier(), "kept")
          + ", max_connections " + (command.maxConnections() == null ? "kept" : command.maxConnections())
          + " (restarts it)";
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      Optional<String> started = context.fact(OPERATION);
      if (started.isPresent()) {
        return await(started.get());
      }
      DatabaseInstance instance = cloudSql.instance(command.instance());
      if (asAsked(instance, command)) {
        return StepOutcome.done("already as asked: tier " + instance.getSettings().getTier());
      }
      long readVersion = Long.parseLong(context.fact("settingsVersion").orElseThrow());
      if (instance.getSettings().getSettingsVersion() != readVersion) {
        return concurrentEdit(readVersion, instance.getSettings().getSettingsVersion());
      }
      // a crash after the patch call lost its operation's name: find it (running, or failed: the version is unchanged)
      // rather than patch again (409 while it runs)
      Optional<String> readAt = context.fact(READ_AT);
      Optional<Operation> own = readAt.isEmpty() ? Optional.empty()
          : cloudSql.latestOperation(command.instance(), "UPDATE", Instant.parse(readAt.get()));
      if (own.isPresent()) {
        context.remember(OPERATION, own.get().getName());
        return await(own.get().getName());
      }
      Settings changes = new Settings().setSettingsVersion(readVersion).setDatabaseFlags(mergedFlags(instance));
      if (command.tier() != null) {
        changes.setTier(command.tier());
      }
      Operation operation;
      try {
        operation = cloudSql.patch(command.instance(), new DatabaseInstance().setSettings(changes));
      } catch (GoogleJsonResponseException e) {
        if (e.getStatusCode() == 412) {
          return concurrentEdit(readVersion, -1);
        }
        throw e;
      }
      context.remember(OPERATION, operation.getName());
      return StepOutcome.waitFor(properties.pollInterval(), "patch operation " + operation.getName() + " started");
    }

    private StepOutcome await(String name) throws Exception {
      CloudSql.Polled operation = cloudSql.poll(name);
      if (!operation.done()) {
        return StepOutcome.waitFor(properties.pollInterval(), "patch operation " + name + " " + operation.status());
      }
      if (operation.failed()) {
        return StepOutcome.fail("patch operation " + name + " failed (" + operation.error() + "); Cloud SQL kept the "
            + "instance's settings: check them with gcloud sql instances describe " + command.instance());
      }
      // an operation found by listing may be someone else's edit: done only if the instance is now as asked
      DatabaseInstance instance = cloudSql.instance(command.instance());
      return asAsked(instance, command) ? StepOutcome.done("patch operation " + name + " done")
          : StepOutcome.fail("patch operation " + name + " is done but " + command.instance() + " has tier "
              + instance.getSettings().getTier() + ", max_connections " + maxConnectionsOf(instance).orElse("default")
              + ": someone else edited the instance; look at the change, then send the command again");
    }

    private StepOutcome concurrentEdit(long read, long now) {
      return StepOutcome.fail("the settings of " + command.instance() + " changed since they were read (settingsVersion "
          + read + (now < 0 ? "" : " -> " + now) + "): someone else edited the instance; look at the change, "
          + "then send the command again");
    }

    private List<DatabaseFlags> mergedFlags(DatabaseInstance instance) {
      List<DatabaseFlags> flags = new ArrayList<>();
      List<DatabaseFlags> current = instance.getSettings().getDatabaseFlags();
      if (current != null) {
        current.stream().filter(flag -> command.maxConnections() == null || !MAX_CONNECTIONS.equals(flag.getName()))
            .forEach(flag -> flags.add(new DatabaseFlags().setName(flag.getName()).setValue(flag.getValue())));
      }
      if (command.maxConnections() != null) {
        flags.add(new DatabaseFlags().setName(MAX_CONNECTIONS).setValue(command.maxConnections().toString()));
      }
      return flags;
    }

    @Override
    public Duration timeout() {
      return Duration.ofMinutes(30);
    }
  }

  /** Connects to the resized instance and reads {@code max_connections} back. */
  record Verify(DatabaseProperties properties, DatabaseResizeRequested command) implements Step {

    @Override
    public String name() {
      return "verify";
    }

    @Override
    public String resource() {
      return "SHOW max_connections on " + properties.verifyUrl();
    }

    @Override
    public StepOutcome run(StepContext context) {
      String actual;
      try (Connection connection = DriverManager.getConnection(properties.verifyUrl(), properties.verifyUsername(),
          properties.verifyPassword()); Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery("SHOW max_connections")) {
        row.next();
        actual = row.getString(1);
      } catch (SQLException e) {
        // the instance restarts after the patch: not reachable for a few minutes
        return StepOutcome.waitFor(properties.pollInterval(), "not reachable yet: " + e.getMessage());
      }
      if (command.maxConnections() != null && !actual.equals(command.maxConnections().toString())) {
        if (context.now().isBefore(context.stepStartedAt().plus(properties.verifyGrace()))) {
          return StepOutcome.waitFor(properties.pollInterval(), "max_connections still " + actual);
        }
        return StepOutcome.fail("max_connections is " + actual + " after the patch, not " + command.maxConnections()
            + ": check the flag (gcloud sql instances describe " + command.instance() + ") and restart the instance");
      }
      context.result("maxConnections", actual);
      context.result("tier", command.tier() == null ? context.fact("previousTier").orElse("") : command.tier());
      context.result("pgbouncerServerConnections", String.valueOf(pgbouncerLimit(properties, Integer.parseInt(actual))));
      return StepOutcome.done("max_connections = " + actual);
    }

    @Override
    public Duration timeout() {
      return Duration.ofMinutes(15);
    }
  }
}
