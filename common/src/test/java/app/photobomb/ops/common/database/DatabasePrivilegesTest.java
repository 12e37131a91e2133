package app.photobomb.ops.common.database;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Guards of the least-privilege roles (deploy/database, db/ops/R__ops_privileges.sql) on a database migrated as in
 * production: a table or sequence added by a later migration without its grants fails here, before a service fails
 * on it. That each service can do its work under its role is shown by the services' own suites, which run under it.
 */
@ExtendWith(RealServersExtension.class)
class DatabasePrivilegesTest {

  private static final String DATABASE = "database_privileges";
  private static JdbcTemplate jdbc;

  @BeforeAll
  static void migrate() {
    String url = RealServers.photobombDatabase(DATABASE);
    SchemaMigrations.ops(Flyway.configure().dataSource(url, DatabaseRole.MIGRATOR.roleName(),
        DatabaseRole.MIGRATOR.password())).load().migrate();
    jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  }

  @Test
  void everyOpsTableIsGrantedToTheRolesThatUseIt() {
    List<String> ungranted = jdbc.queryForList("""
        SELECT t.tablename FROM pg_tables t
        WHERE t.schemaname = 'public' AND t.tableowner = ? AND t.tablename <> ?
          AND NOT EXISTS (SELECT 1 FROM unnest(?::text[]) AS r(role_name)
                          WHERE has_table_privilege(r.role_name, format('public.%I', t.tablename),
                                                    'SELECT, INSERT, UPDATE, DELETE'))
        ORDER BY t.tablename""", String.class, DatabaseRole.MIGRATOR.roleName(), SchemaMigrations.OPS_HISTORY_TABLE,
        usingRoles());

    assertThat(ungranted).as("ops tables no service or relay role may use: grant them in R__ops_privileges.sql")
        .isEmpty();
  }

  @Test
  void everyRoleThatInsertsIntoATableMayUseItsSequences() {
    List<String> missing = jdbc.queryForList("""
        SELECT r.role_name || ' on ' || s.sequence_name
        FROM unnest(?::text[]) AS r(role_name),
             LATERAL (SELECT c.relname AS table_name, seq.relname AS sequence_name
                      FROM pg_class c
                      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
                      JOIN pg_depend d ON d.refobjid = c.oid AND d.deptype IN ('a', 'i')
                      JOIN pg_class seq ON seq.oid = d.objid AND seq.relkind = 'S'
                      WHERE c.relkind = 'r') AS s
        WHERE has_table_privilege(r.role_name, format('public.%I', s.table_name), 'INSERT')
          AND NOT has_sequence_privilege(r.role_name, format('public.%I', s.sequence_name), 'USAGE')
        ORDER BY 1""", String.class, usingRoles());

    assertThat(missing).as("sequences behind an INSERT grant without USAGE for the inserter").isEmpty();
  }

  @Test
  void onlyTheMigratorMayCreateInTheSchema() {
    List<String> creators = jdbc.queryForList("""
        SELECT r.role_name FROM unnest(?::text[]) AS r(role_name)
        WHERE has_schema_privilege(r.role_name, 'public', 'CREATE') ORDER BY 1""", String.class, usingRoles());

    assertThat(creators).isEmpty();
  }

  @Test
  void migrationsLiveInTheOpsOrThePhotobombLocationOnly() {
    assertThat(getClass().getResource("/db/migration"))
        .as("db/migration is read by no Flyway run: ops tables go to db/ops, the photobomb API's schema to "
            + "db/photobomb").isNull();
  }

  /** Every role but the migrator, as a PostgreSQL text array literal. */
  private static String usingRoles() {
    return Arrays.stream(DatabaseRole.values()).filter(role -> role != DatabaseRole.MIGRATOR)
        .map(DatabaseRole::roleName).collect(Collectors.joining(",", "{", "}"));
  }
}
