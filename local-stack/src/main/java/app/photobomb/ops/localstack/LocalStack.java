package app.photobomb.ops.localstack;

import app.photobomb.ops.common.database.SchemaMigrations;
import app.photobomb.ops.relay.OutboxRelay;
import app.photobomb.ops.relay.OutboxRelaySettings;
import app.photobomb.ops.storage.local.LocalFileObjectStore;
import app.photobomb.ops.storage.local.LocalLinkSigner;
import app.photobomb.ops.storage.local.LocalObjectServer;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.DatabaseRoles;
import app.photobomb.ops.testsupport.EmbeddedServers;
import app.photobomb.ops.testsupport.ServerEndpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole system on one machine with only a JDK: a Kafka broker (KRaft), PostgreSQL, Redis, the outbox relay
 * and the five services, with demo data in the database and a local object store.
 */
public final class LocalStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
  static final String DATABASE = "photobomb";
  static final String APP_USER = "photobomb";
  static final String APP_PASSWORD = "photobomb";

  private final LocalStackSettings settings;
  private final List<AutoCloseable> running = new ArrayList<>();
  private final Map<LocalService, Integer> servicePorts = new EnumMap<>(LocalService.class);
  /** Signs the local store's download links; new every run, like the rest of the local data. */
  private final String linkSecret = java.util.UUID.randomUUID().toString();
  private ServerEndpoints endpoints;
  private DemoSummary demo;
  private String linkBaseUrl;

  private LocalStack(LocalStackSettings settings) {
    this.settings = settings;
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0 && "send".equals(args[0])) {
      CommandSender.main(args);
      return;
    }
    long started = System.nanoTime();
    LocalStack stack = start(LocalStackSettings.fromEnvironment(System.getenv()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.close();
      stopped.countDown();
    }, "local-stack-shutdown"));
    LocalStackBanner.print(stack, (System.nanoTime() - started) / 1_000_000);
    stopped.await();
  }

  /** Starts everything; on failure stops what had started and rethrows. */
  public static LocalStack start(LocalStackSettings settings) {
    LocalStack stack = new LocalStack(settings);
    try {
      stack.startAll();
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll() {
    Path directory = settings.directory();
    resetDirectory(directory);
    EmbeddedServers servers = EmbeddedServers.start(settings.serverPorts(), null);
    running.add(servers);
    endpoints = servers.endpoints();
    createDatabase();
    String jdbcUrl = endpoints.jdbcUrl(DATABASE);
    migrate(jdbcUrl);
    demo = DemoData.load(dataSource(jdbcUrl), objectStoreRoot());
    startLinkServer();
    running.add(OutboxRelay.start(new OutboxRelaySettings(endpoints.postgresHost(), endpoints.postgresPort(),
        DATABASE, DatabaseRole.RELAY.roleName(), DatabaseRole.RELAY.password(), endpoints.kafkaBootstrapServers(),
        "photobomb-outbox-relay-offsets", (short) 1, "photobomb_outbox")));
    for (LocalService service : LocalService.values()) {
      // Passed as command-line arguments: they must win over the service's own configuration files.
      // The stack closes the services itself, in order, before the relay and the servers.
      ConfigurableApplicationContext context = service.application()
          .registerShutdownHook(false)
          .run(serviceArguments(service, jdbcUrl));
      running.add(context::close);
      servicePorts.put(service, ((WebServerApplicationContext) context).getWebServer().getPort());
      log.info("{} is up on port {}", service.serviceName(), servicePorts.get(service));
    }
    LocalEndpointsFile.write(this, endpointsFile());
  }

  /** Serves the download links the services sign (GCS serves them in production), e.g. of export archives. */
  private void startLinkServer() {
    java.time.Clock clock = java.time.Clock.systemUTC();
    LocalLinkSigner signer = new LocalLinkSigner(linkSecret.getBytes(StandardCharsets.UTF_8), clock);
    LocalObjectServer links = LocalObjectServer.start(settings.linkPort(),
        new LocalFileObjectStore(objectStoreRoot(), signer, "http://127.0.0.1", clock), signer);
    running.add(links);
    linkBaseUrl = links.baseUrl();
  }

  /** Base URL of the download links, e.g. http://127.0.0.1:8090. */
  public String linkBaseUrl() {
    return linkBaseUrl;
  }

  private String[] serviceArguments(LocalService service, String jdbcUrl) {
    Map<String, Object> properties = new java.util.LinkedHashMap<>(Map.of(
        "server.port", settings.servicePorts().get(service),
        "spring.datasource.url", jdbcUrl,
        "spring.datasource.username", service.role().roleName(),
        "spring.datasource.password", service.role().password(),
        "spring.kafka.bootstrap-servers", endpoints.kafkaBootstrapServers(),
        "spring.data.redis.url", endpoints.redisUrl(),
        "photobomb.storage.local.root", objectStoreRoot().toString(),
        "photobomb.storage.local.link-secret", linkSecret,
        "photobomb.storage.local.link-base-url", linkBaseUrl,
        "logging.register-shutdown-hook", false));
    properties.put("spring.flyway.user", DatabaseRole.MIGRATOR.roleName());
    properties.put("spring.flyway.password", DatabaseRole.MIGRATOR.password());
    properties.putAll(settings.serviceProperties());
    return properties.entrySet().stream().map(p -> "--" + p.getKey() + "=" + p.getValue()).toArray(String[]::new);
  }

  private void createDatabase() {
    try (Connection connection = DriverManager.getConnection(endpoints.jdbcUrl("postgres"),
        endpoints.postgresUser(), endpoints.postgresPassword());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE ROLE " + APP_USER + " LOGIN PASSWORD '" + APP_PASSWORD + "'");
      statement.execute("CREATE DATABASE " + DATABASE + " OWNER " + APP_USER);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the local database", e);
    }
  }

  /**
   * The database as production has it, owned here: the photobomb schema (the photobomb API's, here the local user's),
   * the roles and grants of deploy/database, then the ops tables migrated by the migrator. Each service connects with
   * its own role; the local user may read and change everything, as an operator.
   */
  private void migrate(String jdbcUrl) {
    SchemaMigrations.photobomb(Flyway.configure().dataSource(jdbcUrl, APP_USER, APP_PASSWORD)).load().migrate();
    try (Connection admin = DriverManager.getConnection(jdbcUrl, endpoints.postgresUser(),
        endpoints.postgresPassword());
        Statement statement = admin.createStatement()) {
      DatabaseRoles.apply(admin);
      statement.execute("GRANT " + DatabaseRole.MIGRATOR.roleName() + " TO " + APP_USER);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the database roles", e);
    }
    SchemaMigrations.ops(Flyway.configure().dataSource(jdbcUrl, DatabaseRole.MIGRATOR.roleName(),
        DatabaseRole.MIGRATOR.password())).load().migrate();
  }

  private static PGSimpleDataSource dataSource(String jdbcUrl) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(jdbcUrl);
    dataSource.setUser(APP_USER);
    dataSource.setPassword(APP_PASSWORD);
    return dataSource;
  }

  /** Each run starts from nothing, so the demo is the same every time. */
  private static void resetDirectory(Path directory) {
    try {
      if (Files.exists(directory)) {
        try (Stream<Path> paths = Files.walk(directory)) {
          for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + directory, e);
    }
  }

  public ServerEndpoints endpoints() {
    return endpoints;
  }

  public Map<LocalService, Integer> servicePorts() {
    return new EnumMap<>(servicePorts);
  }

  public DemoSummary demo() {
    return demo;
  }

  public Path objectStoreRoot() {
    return settings.directory().resolve("objects");
  }

  public Path endpointsFile() {
    return settings.directory().resolve("photobomb-local.properties");
  }

  public String jdbcUrl() {
    return endpoints.jdbcUrl(DATABASE);
  }

  /** Stops the services first, then the relay, then the servers. */
  @Override
  public synchronized void close() {
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        log.warn("did not stop cleanly", e);
      }
    }
    running.clear();
    log.info("local stack stopped");
  }
}
