package app.photobomb.ops.platform.resize;

import app.photobomb.ops.common.events.DatabaseResizeRequested;
import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.platform.google.CloudSql;
import app.photobomb.ops.platform.saga.Plan;
import app.photobomb.ops.platform.saga.Saga;
import com.google.api.services.sqladmin.model.DatabaseInstance;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Runbook task 6 as a saga: read the settings, wait for the maintenance window (unless {@code now}), patch tier and
 * flags in one call guarded by settingsVersion, poll its operation, verify {@code SHOW max_connections}.
 */
@Component
public class DatabaseResizeSaga implements Saga<DatabaseResizeRequested> {

  private final CloudSql cloudSql;
  private final DatabaseProperties properties;
  private final Clock clock;

  DatabaseResizeSaga(CloudSql cloudSql, DatabaseProperties properties, Clock clock) {
    this.cloudSql = cloudSql;
    this.properties = properties;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "database-resize";
  }

  @Override
  public MessageType<DatabaseResizeRequested> commandType() {
    return MessageCatalog.DATABASE_RESIZE_REQUESTED;
  }

  @Override
  public Optional<String> refusal(DatabaseResizeRequested command) {
    return command.tier() == null && command.maxConnections() == null
        ? Optional.of("nothing to change: give tier, maxConnections or both") : Optional.empty();
  }

  @Override
  public Plan plan(DatabaseResizeRequested command) {
    return new Plan(List.of(
        new ResizeSteps.ReadSettings(cloudSql, command),
        new ResizeSteps.AwaitWindow(properties.window(), command),
        new ResizeSteps.Patch(cloudSql, properties, command),
        new ResizeSteps.Verify(properties, command)),
        command.now() ? null : MaintenanceWindows.next(properties.window(), clock.instant()));
  }

  @Override
  public List<String> notes(DatabaseResizeRequested command, Plan plan) {
    List<String> notes = new ArrayList<>();
    notes.add("the patch restarts " + command.instance() + ": about 5 minutes of downtime (runbook task 6)");
    notes.add(plan.startsAt() == null ? "runs now (now: true)"
        : "runs in the maintenance window opening " + plan.startsAt() + " (week " + properties.window().week() + " "
            + properties.window().day() + " " + properties.window().start() + " " + properties.window().zone()
            + "); send now: true to run at once");
    try {
      DatabaseInstance instance = cloudSql.instance(command.instance());
      String current = instance.getSettings().getTier();
      String wanted = command.tier() == null ? current : command.tier();
      notes.add("monthly cost: " + price(current) + " (" + current + ") -> " + price(wanted) + " (" + wanted + ")");
      notes.add("max_connections: " + ResizeSteps.maxConnectionsOf(instance).orElse("default") + " -> "
          + (command.maxConnections() == null ? "unchanged" : command.maxConnections()));
    } catch (Exception e) {
      notes.add("the instance's current settings could not be read (" + e.getMessage() + "): cost unknown");
    }
    if (command.maxConnections() != null) {
      notes.add("PgBouncer: afterwards let its pools open at most " + ResizeSteps.pgbouncerLimit(properties,
          command.maxConnections()) + " server connections (pool_size x pools)");
    }
    return notes;
  }

  private String price(String tier) {
    Integer price = properties.monthlyPrices().get(tier);
    return price == null ? "unknown price (add it to photobomb.platform.database.monthly-prices)" : "$" + price + "/mo";
  }
}
