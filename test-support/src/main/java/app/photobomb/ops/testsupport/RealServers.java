package app.photobomb.ops.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The real servers of this test JVM, started on first use and stopped when the JVM exits. Each test class
 * takes a database of its own ({@link #database}), so classes neither see each other's rows nor share an
 * outbox relay. A service under test connects with its own role ({@link DatabaseRole}), as in production; the test
 * itself reads and writes as the server's administrator ({@link #adminDataSource}), playing the photobomb API.
 */
public final class RealServers {

  private static final Logger log = LoggerFactory.getLogger(RealServers.class);
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  // SchemaMigrations in common names the same location and history table (common's tests depend on this module)
  private static final String PHOTOBOMB_MIGRATIONS = "classpath:db/photobomb";
  private static final String PHOTOBOMB_HISTORY_TABLE = "photobomb_schema_history";

  private RealServers() {
  }

  /** The servers of this JVM, started if they are not yet. */
  public static Servers shared() {
    return Holder.SERVERS;
  }

  public static ServerEndpoints endpoints() {
    return shared().endpoints();
  }

  /** Creates the database on this JVM's servers if it does not exist and returns its JDBC URL. */
  public static String database(String name) {
    return database(endpoints(), name);
  }

  /** Creates the database on the given server if it does not exist and returns its JDBC URL. */
  public static String database(ServerEndpoints endpoints, String name) {
    if (!DATABASE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("database names are lower-case identifiers: " + name);
    }
    try (Connection connection = DriverManager.getConnection(endpoints.jdbcUrl("postgres"),
        endpoints.postgresUser(), endpoints.postgresPassword());
        Statement statement = connection.createStatement()) {
      try (ResultSet exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
        if (!exists.next()) {
          statement.execute("CREATE DATABASE " + name);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    return endpoints.jdbcUrl(name);
  }

  /** {@link #photobombDatabase(ServerEndpoints, String)} on this JVM's servers. */
  public static String photobombDatabase(String name) {
    return photobombDatabase(endpoints(), name);
  }

  /**
   * A database as production has it before the services start: the photobomb schema (migrated by the administrator,
   * as the photobomb API owns it) and the roles and grants of {@code deploy/database}. Created if it does not exist;
   * returns its JDBC URL. The ops tables are left to the services' own migrations.
   */
  public static String photobombDatabase(ServerEndpoints endpoints, String name) {
    String url = database(endpoints, name);
    Flyway.configure().dataSource(url, endpoints.postgresUser(), endpoints.postgresPassword())
        .locations(PHOTOBOMB_MIGRATIONS).table(PHOTOBOMB_HISTORY_TABLE).load().migrate();
    try (Connection admin = DriverManager.getConnection(url, endpoints.postgresUser(), endpoints.postgresPassword())) {
      DatabaseRoles.apply(admin);
    } catch (SQLException e) {
      throw new IllegalStateException("could not connect to database " + name, e);
    }
    return url;
  }

  /** The administrator's connections to a database of this JVM's servers: for a test's own setup and checks. */
  public static DataSource adminDataSource(String databaseName) {
    ServerEndpoints endpoints = endpoints();
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(endpoints.jdbcUrl(databaseName));
    dataSource.setUser(endpoints.postgresUser());
    dataSource.setPassword(endpoints.postgresPassword());
    return dataSource;
  }

  /**
   * Points a Spring test context at the servers and at its own {@link #photobombDatabase}, with the embedded outbox
   * relay on: the service connects as {@code role}, its Flyway as the migrator, the relay as the relay's role. Use
   * from a {@code @DynamicPropertySource} method.
   */
  public static void register(DynamicPropertyRegistry registry, String databaseName, DatabaseRole role) {
    ServerEndpoints endpoints = endpoints();
    String url = photobombDatabase(endpoints, databaseName);
    registry.add("spring.kafka.bootstrap-servers", endpoints::kafkaBootstrapServers);
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.datasource.username", role::roleName);
    registry.add("spring.datasource.password", role::password);
    registry.add("spring.flyway.user", DatabaseRole.MIGRATOR::roleName);
    registry.add("spring.flyway.password", DatabaseRole.MIGRATOR::password);
    registry.add("spring.data.redis.url", endpoints::redisUrl);
    registry.add("photobomb.outbox-relay.enabled", () -> "true");
    registry.add("photobomb.outbox-relay.user", DatabaseRole.RELAY::roleName);
    registry.add("photobomb.outbox-relay.password", DatabaseRole.RELAY::password);
    registry.add("photobomb.outbox-relay.slot-name", () -> "outbox_" + databaseName);
    registry.add("photobomb.outbox-relay.offsets-topic", () -> "outbox-relay-offsets-" + databaseName);
  }

  /** Lazy, thread-safe start of the one set of servers per JVM. */
  private static final class Holder {

    private static final Servers SERVERS = startServers();

    private static Servers startServers() {
      ServerMode mode = ServerMode.resolve(ServerMode.requested(), ContainerServers::dockerAvailable);
      if ("testcontainers".equalsIgnoreCase(String.valueOf(ServerMode.requested())) && mode == ServerMode.EMBEDDED) {
        log.warn("Testcontainers were asked for but no Docker engine answers; using the embedded servers");
      }
      Servers servers = mode == ServerMode.TESTCONTAINERS ? ContainerServers.start()
          : EmbeddedServers.start(ServerPorts.ANY_FREE, null);
      // after the Spring contexts have closed (a JVM hook of its own would race them: the outbox relay's Debezium
      // engine then waited on a database already stopped, and surefire killed the fork 30 s later)
      SpringApplication.getShutdownHandlers().add(servers::close);
      log.info("real servers for this JVM: {}", servers.description());
      return servers;
    }
  }
}
