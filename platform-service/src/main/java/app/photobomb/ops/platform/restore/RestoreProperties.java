package app.photobomb.ops.platform.restore;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the restore saga ({@code photobomb.platform.restore.*}).
 *
 * @param apiService the photobomb API's Cloud Run service (in the project and region of the Google settings)
 * @param databaseEnvVar the API container's environment variable that names its Cloud SQL instance (connection name)
 * @param healthUrl the API's health endpoint, checked after the API was pointed at the restored instance
 * @param healthChecks consecutive healthy answers that count as verified
 * @param healthInterval time between two health checks
 * @param healthTimeout how long the health endpoint may stay unhealthy before the switch is rolled back
 * @param jdbcUrlTemplate JDBC URL of an instance for the validation queries: {@code {ip}} (its private address, else
 *     the first), {@code {instance}} and {@code {connectionName}} are replaced
 * @param expectedSchemaVersion the schema version the restored database must have; null: the source's, read when the
 *     backup is chosen
 * @param schemaVersionQuery one row, one column: the database's schema version
 * @param rowCounts tables whose row count must lie within bounds
 * @param newestPhotoQuery one row, one column: the newest upload, which must not be older than the backup's start
 *     minus {@code freshnessTolerance}
 * @param pollInterval how often a running Cloud SQL or Cloud Run operation is polled
 */
@ConfigurationProperties("photobomb.platform.restore")
public record RestoreProperties(
    @DefaultValue("photobomb-api") String apiService,
    @DefaultValue("DATABASE_INSTANCE") String databaseEnvVar,
    @DefaultValue("https://api.photobomb.app/healthz") URI healthUrl,
    @DefaultValue("3") int healthChecks,
    @DefaultValue("5s") Duration healthInterval,
    @DefaultValue("5m") Duration healthTimeout,
    @DefaultValue("jdbc:postgresql://{ip}:5432/photobomb") String jdbcUrlTemplate,
    @DefaultValue("photobomb_ops_platform") String jdbcUsername,
    String jdbcPassword,
    String expectedSchemaVersion,
    @DefaultValue("SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL "
        + "ORDER BY installed_rank DESC LIMIT 1") String schemaVersionQuery,
    Map<String, RowBounds> rowCounts,
    @DefaultValue("SELECT max(uploaded_at) FROM photos") String newestPhotoQuery,
    @DefaultValue("1h") Duration freshnessTolerance,
    @DefaultValue("10s") Duration pollInterval) {

  public RestoreProperties {
    rowCounts = rowCounts == null ? Map.of() : Map.copyOf(rowCounts);
  }

  /** Bounds of one table's row count; null: unbounded on that side. */
  public record RowBounds(Long min, Long max) {
  }
}
