package app.photobomb.ops.benchmarks;

import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.ServerEndpoints;
import org.flywaydb.core.Flyway;

/** Fresh databases with the project's schema, one per benchmark phase. */
final class BenchDatabases {

  private BenchDatabases() {
  }

  /** Creates the database and applies every migration; returns its JDBC URL. */
  static String migrated(ServerEndpoints endpoints, String name) {
    String url = RealServers.database(endpoints, name);
    Flyway.configure().dataSource(url, endpoints.postgresUser(), endpoints.postgresPassword())
        .locations("classpath:db/migration").load().migrate();
    return url;
  }
}
