package app.photobomb.ops.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The real servers of this test JVM, started on first use and stopped when the JVM exits. Each test class
 * takes a database of its own ({@link #database}), so classes neither see each other's rows nor share an
 * outbox relay.
 */
public final class RealServers {

  private static final Logger log = LoggerFactory.getLogger(RealServers.class);
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

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

  /**
   * Points a Spring test context at the servers and at its own database, with the embedded outbox relay on.
   * Use from a {@code @DynamicPropertySource} method.
   */
  public static void register(DynamicPropertyRegistry registry, String databaseName) {
    ServerEndpoints endpoints = endpoints();
    String url = database(databaseName);
    registry.add("spring.kafka.bootstrap-servers", endpoints::kafkaBootstrapServers);
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.datasource.username", endpoints::postgresUser);
    registry.add("spring.datasource.password", endpoints::postgresPassword);
    registry.add("spring.data.redis.url", endpoints::redisUrl);
    registry.add("photobomb.outbox-relay.enabled", () -> "true");
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
      Runtime.getRuntime().addShutdownHook(new Thread(servers::close, "real-servers-shutdown"));
      log.info("real servers for this JVM: {}", servers.description());
      return servers;
    }
  }
}
