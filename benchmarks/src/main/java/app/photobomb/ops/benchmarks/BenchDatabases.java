package app.photobomb.ops.benchmarks;

import app.photobomb.ops.common.database.SchemaMigrations;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.ServerEndpoints;
import org.flywaydb.core.Flyway;

/** Fresh databases with the project's schema, one per benchmark phase. */
final class BenchDatabases {

  private BenchDatabases() {
  }

  /** Creates the database with the photobomb schema, the roles and the ops tables; returns its JDBC URL. */
  static String migrated(ServerEndpoints endpoints, String name) {
    String url = RealServers.photobombDatabase(endpoints, name);
    SchemaMigrations.ops(Flyway.configure().dataSource(url, endpoints.postgresUser(), endpoints.postgresPassword()))
        .load().migrate();
    return url;
  }
}
