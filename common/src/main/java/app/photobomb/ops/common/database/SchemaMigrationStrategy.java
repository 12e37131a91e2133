package app.photobomb.ops.common.database;

import app.photobomb.ops.common.database.DatabaseProperties.SchemaOwnership;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;

/**
 * Runs the service's migrations at start: the photobomb schema first when this project owns it
 * ({@code photobomb.database.photobomb-schema=manage}), then the ops tables (Spring Boot's Flyway bean, configured by
 * {@code spring.flyway.*}). Both connect as Flyway's user ({@code spring.flyway.user}), the migrating role.
 */
public final class SchemaMigrationStrategy implements FlywayMigrationStrategy {

  private static final Logger log = LoggerFactory.getLogger(SchemaMigrationStrategy.class);

  private final SchemaOwnership photobombSchema;

  public SchemaMigrationStrategy(SchemaOwnership photobombSchema) {
    this.photobombSchema = photobombSchema;
  }

  @Override
  public void migrate(Flyway ops) {
    if (photobombSchema == SchemaOwnership.MANAGE) {
      // same database, user and settings as the ops run; only the migrations and the history table differ
      int applied = SchemaMigrations.photobomb(Flyway.configure().configuration(ops.getConfiguration()))
          .load().migrate().migrationsExecuted;
      log.info("photobomb schema managed here: {} migrations applied", applied);
    }
    ops.migrate();
  }
}
