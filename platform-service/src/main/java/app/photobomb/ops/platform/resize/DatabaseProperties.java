package app.photobomb.ops.platform.resize;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the database-resize saga ({@code photobomb.platform.database.*}).
 *
 * @param monthlyPrices USD per month by tier, for the plan's cost before and after (runbook: $250 -> $500)
 * @param window the maintenance window a resize waits for unless the command says {@code now}
 * @param verifyUrl JDBC URL of the instance for {@code SHOW max_connections} (through the Cloud SQL proxy)
 * @param pollInterval how often a running operation is polled
 * @param verifyGrace how long after the patch max_connections may still show the old value (the restart)
 * @param pgbouncerShare share of max_connections the PgBouncer pools may use (the rest: superusers, migrations)
 */
@ConfigurationProperties("photobomb.platform.database")
public record DatabaseProperties(
    Map<String, Integer> monthlyPrices,
    @DefaultValue MaintenanceWindow window,
    @DefaultValue("jdbc:postgresql://127.0.0.1:5432/photobomb") String verifyUrl,
    @DefaultValue("photobomb_ops_platform") String verifyUsername,
    String verifyPassword,
    @DefaultValue("10s") Duration pollInterval,
    @DefaultValue("5m") Duration verifyGrace,
    @DefaultValue("0.9") double pgbouncerShare) {

  public DatabaseProperties {
    monthlyPrices = monthlyPrices == null ? Map.of() : Map.copyOf(monthlyPrices);
  }

  /**
   * A monthly window: the runbook's 2nd Sunday of the month, 02:00-04:00 PST.
   *
   * @param week which occurrence of the day in the month (1-4)
   */
  public record MaintenanceWindow(
      @DefaultValue("2") int week,
      @DefaultValue("SUNDAY") DayOfWeek day,
      @DefaultValue("02:00") LocalTime start,
      @DefaultValue("2h") Duration length,
      @DefaultValue("America/Los_Angeles") ZoneId zone) {
  }
}
