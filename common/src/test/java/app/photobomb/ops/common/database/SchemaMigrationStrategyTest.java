package app.photobomb.ops.common.database;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.DatabaseRoles;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A service's start-up migrations with the services' defaults (photobomb-service-defaults.yml): the ops tables
 * always, with their own history; the photobomb schema only when this project owns the database.
 */
@ExtendWith(RealServersExtension.class)
class SchemaMigrationStrategyTest {

  private final ApplicationContextRunner service = new ApplicationContextRunner()
      .withInitializer(new ConfigDataApplicationContextInitializer())
      .withPropertyValues("spring.config.name=schema-migration-test",
          "spring.config.import=classpath:photobomb-service-defaults.yml")
      .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class,
          DatabaseAutoConfiguration.class));

  @Test
  void managedPhotobombSchemaIsMigratedFirstWithItsOwnHistoryThenTheOpsTables() throws SQLException {
    String url = RealServers.database("schema_managed");
    try (Connection admin = RealServers.adminDataSource("schema_managed").getConnection()) {
      DatabaseRoles.createRoles(admin);
    }

    service.withPropertyValues(properties(url, "photobomb.database.photobomb-schema=manage"))
        .run(context -> assertThat(context).hasNotFailed());

    JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource("schema_managed"));
    assertThat(versions(jdbc, SchemaMigrations.PHOTOBOMB_HISTORY_TABLE)).containsExactly("1", "2");
    assertThat(versions(jdbc, SchemaMigrations.OPS_HISTORY_TABLE)).as("baselined: the photobomb tables came first")
        .startsWith("0", "2", "3", "4", "5").last().isNull();
    assertThat(tables(jdbc)).contains("users", "photos", "outbox", "inbox", "exports");
  }

  @Test
  void externalPhotobombSchemaIsLeftToItsOwnerAndTheMigratorAddsOnlyTheOpsTables() {
    String url = RealServers.photobombDatabase("schema_external");
    JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource("schema_external"));
    List<String> apisHistory = versions(jdbc, SchemaMigrations.PHOTOBOMB_HISTORY_TABLE);

    service.withPropertyValues(properties(url, "spring.datasource.username=" + DatabaseRole.EXPORT.roleName(),
        "spring.datasource.password=" + DatabaseRole.EXPORT.password(),
        "spring.flyway.user=" + DatabaseRole.MIGRATOR.roleName(),
        "spring.flyway.password=" + DatabaseRole.MIGRATOR.password()))
        .run(context -> {
          assertThat(context).hasNotFailed();
          Configuration actual = context.getBean(Flyway.class).getConfiguration();
          Configuration expected = SchemaMigrations.ops(Flyway.configure());
          assertThat(actual.getTable()).as("spring.flyway.table").isEqualTo(expected.getTable());
          assertThat(descriptors(actual)).as("spring.flyway.locations").isEqualTo(descriptors(expected));
          assertThat(actual.isBaselineOnMigrate()).isEqualTo(expected.isBaselineOnMigrate());
          assertThat(actual.getBaselineVersion()).isEqualTo(expected.getBaselineVersion());
        });

    assertThat(versions(jdbc, SchemaMigrations.PHOTOBOMB_HISTORY_TABLE)).isEqualTo(apisHistory);
    assertThat(owner(jdbc, "users")).isEqualTo(RealServers.endpoints().postgresUser());
    assertThat(owner(jdbc, "outbox")).isEqualTo(DatabaseRole.MIGRATOR.roleName());
    assertThat(owner(jdbc, SchemaMigrations.OPS_HISTORY_TABLE)).isEqualTo(DatabaseRole.MIGRATOR.roleName());
  }

  @Test
  void managingADatabaseWhoseTablesSomeoneElseCreatedFailsInsteadOfMigratingOverThem() {
    String url = RealServers.database("schema_foreign");
    JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource("schema_foreign"));
    jdbc.execute("CREATE TABLE IF NOT EXISTS users (user_id uuid PRIMARY KEY)");

    service.withPropertyValues(properties(url, "photobomb.database.photobomb-schema=manage"))
        .run(context -> assertThat(context).hasFailed());

    assertThat(tables(jdbc)).doesNotContain("photos", SchemaMigrations.PHOTOBOMB_HISTORY_TABLE, "outbox");
  }

  /** The database as its administrator (the default user here), then the given properties, which win. */
  private static String[] properties(String url, String... more) {
    List<String> properties = new ArrayList<>(List.of("spring.datasource.url=" + url,
        "spring.datasource.username=" + RealServers.endpoints().postgresUser(),
        "spring.datasource.password=" + RealServers.endpoints().postgresPassword()));
    properties.addAll(Arrays.asList(more));
    return properties.toArray(String[]::new);
  }

  private static List<String> descriptors(Configuration configuration) {
    return Arrays.stream(configuration.getLocations()).map(Location::getDescriptor).toList();
  }

  private static List<String> versions(JdbcTemplate jdbc, String historyTable) {
    return jdbc.queryForList("SELECT version FROM " + historyTable + " ORDER BY installed_rank", String.class);
  }

  private static List<String> tables(JdbcTemplate jdbc) {
    return jdbc.queryForList("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", String.class);
  }

  private static String owner(JdbcTemplate jdbc, String table) {
    return jdbc.queryForObject("SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = ?",
        String.class, table);
  }
}
