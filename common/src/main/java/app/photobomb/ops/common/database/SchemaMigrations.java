package app.photobomb.ops.common.database;

import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * The two sets of migrations in {@code common}, each with its own Flyway history table: the photobomb schema
 * ({@code db/photobomb}: users, photos, ..., owned by the photobomb API in production) and this project's ops tables
 * ({@code db/ops}: outbox, inbox, user_deletions, exports, ..., always applied). The services configure the ops run
 * with {@code spring.flyway.*} (photobomb-service-defaults.yml, the same values as {@link #ops}); tools that migrate
 * without Spring (local stack, benchmarks, tests) use these methods.
 */
public final class SchemaMigrations {

  public static final String PHOTOBOMB_LOCATION = "classpath:db/photobomb";
  public static final String PHOTOBOMB_HISTORY_TABLE = "photobomb_schema_history";
  public static final String OPS_LOCATION = "classpath:db/ops";
  public static final String OPS_HISTORY_TABLE = "ops_schema_history";

  private SchemaMigrations() {
  }

  /**
   * The photobomb schema's run on the configuration's database. It never baselines: a database that holds those
   * tables without this history belongs to someone else, and Flyway refuses to touch it.
   */
  public static FluentConfiguration photobomb(FluentConfiguration configuration) {
    return configuration.locations(PHOTOBOMB_LOCATION).table(PHOTOBOMB_HISTORY_TABLE).baselineOnMigrate(false);
  }

  /**
   * The ops tables' run. A database that already holds other tables (the photobomb API's) but no ops history is
   * baselined at version 0, before the first ops migration.
   */
  public static FluentConfiguration ops(FluentConfiguration configuration) {
    return configuration.locations(OPS_LOCATION).table(OPS_HISTORY_TABLE).baselineOnMigrate(true).baselineVersion("0");
  }
}
