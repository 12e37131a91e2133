package app.photobomb.ops.localstack;

import app.photobomb.ops.common.database.SchemaMigrations;
import app.photobomb.ops.relay.OutboxRelay;
import app.photobomb.ops.relay.OutboxRelaySettings;
import app.photobomb.ops.storage.local.LocalFileObjectStore;
import app.photobomb.ops.storage.local.LocalLinkSigner;
import app.photobomb.ops.storage.local.LocalObjectServer;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.DatabaseRoles;
import app.photobomb.ops.testsupport.DurableServers;
import app.photobomb.ops.testsupport.KraftNode;
import app.photobomb.ops.testsupport.ServerEndpoints;
import app.photobomb.ops.testsupport.cloudflare.CloudflarePlanLimits;
import app.photobomb.ops.testsupport.cloudflare.CloudflareStandIn;
import app.photobomb.ops.thumbnail.worker.JobWorker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import redis.embedded.RedisServer;

/**
 * The whole system on one machine with only a JDK: a Kafka broker (KRaft), PostgreSQL, Redis, a Kubernetes API
 * stand-in, a Cloudflare stand-in (purge API and edge cache), the platform-service's Google stand-ins and B2 key API,
 * the outbox relay and the six services with the thumbnail worker, with demo data in the database and a local object
 * store. Everything but the stand-ins keeps
 * its data under the local directory, so a restart (after Ctrl-C or a crash) carries on where the last run stopped.
 */
public final class LocalStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
  static final String DATABASE = "photobomb";
  static final String APP_USER = "photobomb";
  static final String APP_PASSWORD = "photobomb";
  /** The Cloudflare stand-in's API token and zone: local values, known to the cdn-service only through its settings. */
  static final String CLOUDFLARE_TOKEN = "local-stack-cache-purge-token";
  static final String CLOUDFLARE_ZONE = "0c0ffee0000000000000000000000001";
  /** Written once the demo data is in: it is loaded on the first start (or after a reset), never again. */
  private static final String DEMO_LOADED = "demo-data-loaded";

  private final LocalStackSettings settings;
  private final List<AutoCloseable> running = new ArrayList<>();
  private final Map<LocalService, Integer> servicePorts = new EnumMap<>(LocalService.class);
  private LocalDirectory directory;
  private ServerEndpoints endpoints;
  private DemoSummary demo;
  private String linkBaseUrl;
  private String kubernetesUrl;
  private CloudflareStandIn cloudflare;
  private LocalGoogle google;
  private LocalRotation rotation;

  private LocalStack(LocalStackSettings settings) {
    this.settings = settings;
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0 && "send".equals(args[0])) {
      CommandSender.main(args);
      return;
    }
    LocalStackCommand.run(args);
  }

  /** Starts everything; on failure stops what had started and rethrows. */
  public static LocalStack start(LocalStackSettings settings) {
    return start(settings, logDirectory -> { });
  }

  /**
   * As {@link #start(LocalStackSettings)}, calling {@code onDirectory} with the log directory once the local
   * directory is the stack's (so that nothing is written into a directory it refuses) and before any server starts.
   */
  static LocalStack start(LocalStackSettings settings, java.util.function.Consumer<Path> onDirectory) {
    LocalStack stack = new LocalStack(settings);
    try {
      stack.startAll(onDirectory);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  /** Starts everything and waits until the JVM is asked to stop (Ctrl-C, kill); prints the banner once up. */
  static void runUntilStopped(LocalStackSettings settings, boolean verbose) throws InterruptedException {
    long started = System.nanoTime();
    LocalStack stack = start(settings, logDirectory -> LocalConsole.install(logDirectory, verbose));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.close();
      stopped.countDown();
    }, "local-stack-shutdown"));
    LocalStackBanner.print(stack, (System.nanoTime() - started) / 1_000_000);
    stopped.await();
  }

  private void startAll(java.util.function.Consumer<Path> onDirectory) {
    directory = LocalDirectory.open(settings.directory());
    running.add(directory);
    onDirectory.accept(logDirectory());
    log.info("local directory {} ({})", directory.root(), directory.fresh() ? "new" : "kept from the last run");

    KraftNode kafka = step("kafka", () -> KraftNode.start(directory.resolve("kafka"), settings.kafkaPort()),
        k -> k.bootstrapServers() + ", data in " + directory.resolve("kafka"));
    running.add(kafka);
    EmbeddedPostgres postgres = step("postgres",
        () -> DurableServers.startPostgres(directory.resolve("postgres"), settings.serverPorts().postgres()),
        p -> "127.0.0.1:" + p.getPort() + ", data in " + directory.resolve("postgres"));
    running.add(postgres);
    int redisPort = DurableServers.portOrFree(settings.serverPorts().redis());
    RedisServer redis = step("redis", () -> DurableServers.startRedis(directory.resolve("redis"), redisPort),
        r -> "127.0.0.1:" + redisPort + ", data in " + directory.resolve("redis"));
    running.add(() -> DurableServers.stopRedis(redis));
    endpoints = DurableServers.endpoints(kafka.bootstrapServers(), postgres, redisPort);
    LocalKubernetes kubernetes = step("kubernetes", () -> LocalKubernetes.start(settings.kubernetesPort()),
        k -> k.masterUrl() + ", deployments " + String.join(", ", LocalKubernetes.DEPLOYMENTS.stream()
            .map(name -> LocalKubernetes.NAMESPACE + "/" + name).toList()) + " at " + LocalKubernetes.MIN_REPLICAS
            + " replicas (in memory, made anew on every start)");
    running.add(kubernetes);
    kubernetesUrl = kubernetes.masterUrl();

    String jdbcUrl = endpoints.jdbcUrl(DATABASE);
    step("postgres", () -> {
      createDatabaseIfMissing();
      return migrate(jdbcUrl);
    }, migrated -> "database " + DATABASE + " migrated (" + migrated + " new migrations)");
    demo = loadDemoDataOnce(dataSource(jdbcUrl));
    startLinkServer();
    cloudflare = step("cloudflare", () -> CloudflareStandIn.start(new CloudflareStandIn.Settings(
        settings.cloudflarePort(), CLOUDFLARE_TOKEN, CLOUDFLARE_ZONE, cloudflarePlan(),
        objectStoreRoot().resolve(LocalObjectStore.THUMBNAILS_BUCKET))),
        c -> c.baseUrl() + " (plan " + c.plan().name() + ")");
    running.add(cloudflare);
    rotation = step("b2", () -> LocalRotation.start(directory.resolve("b2"), cloudflare, CLOUDFLARE_TOKEN,
        CLOUDFLARE_ZONE), r -> r.b2Url() + " (the B2 key API of the secret rotation: the workers' key; in memory, made "
        + "anew on every start)");
    running.add(rotation);
    Instant newestUpload = newestUpload(jdbcUrl);
    google = step("google", () -> LocalGoogle.start(newestUpload, rotation.secrets()), g -> "Cloud SQL Admin " + g.sqlAdminUrl() + ", Cloud Run and Secret Manager "
        + g.grpcTarget() + " (project " + LocalGoogle.PROJECT + ", instance " + LocalGoogle.INSTANCE + ", service "
        + LocalGoogle.API_SERVICE + "; in memory, made anew on every start), the API's health " + g.healthUrl());
    running.add(google);
    kubernetes.seedSecret(LocalRotation.WORKER_SECRET, rotation.workerSecret());
    running.add(step("outbox-relay", () -> OutboxRelay.start(new OutboxRelaySettings(endpoints.postgresHost(),
        endpoints.postgresPort(), DATABASE, DatabaseRole.RELAY.roleName(), DatabaseRole.RELAY.password(),
        endpoints.kafkaBootstrapServers(), "photobomb-outbox-relay-offsets", (short) 1, "photobomb_outbox")),
        relay -> "relaying the outbox of database " + DATABASE + " to Kafka"));
    for (LocalService service : LocalService.values()) {
      // Passed as command-line arguments: they must win over the service's own configuration files.
      // The stack closes the services itself, in order, before the relay and the servers.
      ConfigurableApplicationContext context = step(service.serviceName(), () -> service.application()
          .registerShutdownHook(false)
          .run(serviceArguments(service, jdbcUrl)),
          c -> "http://127.0.0.1:" + ((WebServerApplicationContext) c).getWebServer().getPort());
      running.add(context::close);
      servicePorts.put(service, ((WebServerApplicationContext) context).getWebServer().getPort());
      if (service == LocalService.THUMBNAIL_WORKER) {
        // as the thumbnail-worker, so that its slot changes are told in its name
        running.add(Components.startAs(service.serviceName(),
            () -> WorkerSlotsFollower.start(kubernetesUrl, context.getBean(JobWorker.class))));
      }
    }
    LocalEndpointsFile.write(this, endpointsFile());
  }

  /**
   * Starts one component on threads labelled with its name and logs, as that component, that it is up, how long it
   * took and where it is.
   */
  private static <T> T step(String component, Callable<T> start, Function<T, String> where) {
    return Components.startAs(component, () -> {
      long began = System.nanoTime();
      T started = start.call();
      log.info("up in {} ms: {}", (System.nanoTime() - began) / 1_000_000, where.apply(started));
      return started;
    });
  }

  private DemoSummary loadDemoDataOnce(PGSimpleDataSource dataSource) {
    Path loaded = directory.resolve(DEMO_LOADED);
    if (Files.exists(loaded)) {
      DemoSummary kept = DemoData.present(dataSource);
      log.info("demo data kept from the last run: {} users, {} photos (--reset starts over)", kept.users().size(),
          kept.users().stream().mapToInt(DemoSummary.DemoUser::photoCount).sum());
      return kept;
    }
    DemoSummary summary = DemoData.load(dataSource, objectStoreRoot(), settings.demoPhotos());
    try {
      Files.writeString(loaded, "demo data loaded\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return summary;
  }

  /** When the demo data's newest photo was uploaded (now when there is none). */
  private Instant newestUpload(String jdbcUrl) {
    try (java.sql.Connection connection = dataSource(jdbcUrl).getConnection();
        java.sql.Statement statement = connection.createStatement();
        java.sql.ResultSet row = statement.executeQuery("SELECT coalesce(max(uploaded_at), now()) FROM photos")) {
      row.next();
      return row.getTimestamp(1).toInstant();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot read the newest upload of the demo data", e);
    }
  }

  /** Serves the download links the services sign (GCS serves them in production), e.g. of export archives. */
  private void startLinkServer() {
    Clock clock = Clock.systemUTC();
    LocalLinkSigner signer = new LocalLinkSigner(linkSecret().getBytes(StandardCharsets.UTF_8), clock);
    LocalObjectServer links = LocalObjectServer.start(settings.linkPort(),
        new LocalFileObjectStore(objectStoreRoot(), signer, "http://127.0.0.1", clock), signer);
    running.add(links);
    linkBaseUrl = links.baseUrl();
  }

  /** Signs the local store's download links; made on the first start and kept, so earlier links stay valid. */
  private String linkSecret() {
    Path file = directory.resolve("link-secret");
    try {
      if (!Files.exists(file)) {
        Files.writeString(file, UUID.randomUUID().toString());
      }
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  /**
   * The plan the Cloudflare stand-in enforces: the cdn-service's own ({@code photobomb.cdn.plan}, by environment
   * {@code PHOTOBOMB_CDN_PLAN}), so that the service keeps to the limits the stand-in holds it to.
   */
  private CloudflarePlanLimits cloudflarePlan() {
    return CloudflarePlanLimits.named(settings.serviceProperties().getOrDefault("photobomb.cdn.plan",
        settings.cloudflarePlan()));
  }

  /** The Cloudflare stand-in: its purge API and its edge cache of the local thumbnails. */
  public CloudflareStandIn cloudflare() {
    return cloudflare;
  }

  /** The Google stand-ins (Cloud SQL Admin, Cloud Run, Secret Manager, the API's health). */
  LocalGoogle google() {
    return google;
  }

  /** A user's first photo, if any (the banner's cache check). */
  Optional<UUID> firstPhotoOf(UUID userId) {
    try (Connection connection = DriverManager.getConnection(jdbcUrl(), APP_USER, APP_PASSWORD);
        PreparedStatement query = connection.prepareStatement(
            "SELECT photo_id FROM photos WHERE user_id = ? ORDER BY uploaded_at, photo_id LIMIT 1")) {
      query.setObject(1, userId);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(rows.getObject(1, UUID.class)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read a photo of user " + userId, e);
    }
  }

  /** The Kubernetes API stand-in, e.g. http://127.0.0.1:8091. */
  public String kubernetesUrl() {
    return kubernetesUrl;
  }

  /** Base URL of the download links, e.g. http://127.0.0.1:8090. */
  public String linkBaseUrl() {
    return linkBaseUrl;
  }

  private String[] serviceArguments(LocalService service, String jdbcUrl) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("server.port", settings.servicePorts().get(service));
    properties.put("spring.datasource.url", jdbcUrl);
    properties.put("spring.datasource.username", service.role().roleName());
    properties.put("spring.datasource.password", service.role().password());
    properties.put("spring.flyway.user", DatabaseRole.MIGRATOR.roleName());
    properties.put("spring.flyway.password", DatabaseRole.MIGRATOR.password());
    properties.put("spring.kafka.bootstrap-servers", endpoints.kafkaBootstrapServers());
    properties.put("spring.data.redis.url", endpoints.redisUrl());
    properties.put("spring.main.banner-mode", "off");
    properties.put("photobomb.storage.local.root", objectStoreRoot().toString());
    properties.put("photobomb.storage.spool-directory", directory.resolve("upload-spool").toString());
    properties.put("photobomb.storage.local.link-secret", linkSecret());
    properties.put("photobomb.storage.local.link-base-url", linkBaseUrl);
    // One machine, one replica of each: claims left by a stopped stack need not outlive it by minutes.
    properties.put("photobomb.deletion.claim-lease", "20s");
    properties.put("photobomb.export.lease", "20s");
    if (service == LocalService.SCALING) {
      scalingProperties(properties);
    }
    if (service == LocalService.CDN) {
      // purged URLs are the stand-in's own, so that its edge drops what the services purge
      properties.put("photobomb.cdn.base-url", cloudflare.baseUrl());
      properties.put("photobomb.cdn.cloudflare.api-url", cloudflare.apiUrl());
      properties.put("photobomb.cdn.cloudflare.api-token", CLOUDFLARE_TOKEN);
      properties.put("photobomb.cdn.cloudflare.zone-id", CLOUDFLARE_ZONE);
    }
    if (service == LocalService.DELETION) {
      // the hard delete's purge URLs, in the cdn-service's zone (the stand-in's host)
      properties.put("photobomb.deletion.cdn-base-url", cloudflare.baseUrl());
    }
    if (service == LocalService.PLATFORM) {
      // its JDBC checks (restore validation, SHOW max_connections) read the local database
      properties.putAll(google.platformProperties(jdbcUrl, service.role().roleName(), service.role().password(),
          endpoints.postgresUser(), endpoints.postgresPassword()));
      properties.put("photobomb.platform.kubernetes.master-url", kubernetesUrl);
      properties.putAll(rotation.platformProperties());
    }
    if (service == LocalService.THUMBNAIL_WORKER) {
      // One slot (a worker id of its own) per replica of its deployment; WorkerSlotsFollower keeps them equal.
      properties.put("photobomb.worker.concurrency", LocalKubernetes.MIN_REPLICAS);
      properties.put("photobomb.worker.lease", "20s");
    }
    properties.put("logging.register-shutdown-hook", false);
    properties.putAll(settings.serviceProperties());
    return properties.entrySet().stream().map(p -> "--" + p.getKey() + "=" + p.getValue()).toArray(String[]::new);
  }

  /**
   * The scaling-service against the Kubernetes stand-in, with policies and a window sized for the demo: the banner's
   * batch of 200 photos asks for the most replicas (12, one per 15 queued jobs), and they go back to 3 within a
   * minute of the queue draining (a 20 s window, then steps of 5 every 5 s). The whole list is given, since a list
   * property is taken from one source whole.
   */
  private void scalingProperties(Map<String, Object> properties) {
    properties.put("photobomb.scaling.kubernetes.master-url", kubernetesUrl);
    properties.put("photobomb.scaling.stabilization-window", "20s");
    properties.put("photobomb.scaling.scale-down-period", "5s");
    List<String> queues = List.of("high_priority_queue", "batch_processing_queue");
    for (int n = 0; n < queues.size(); n++) {
      String policy = "photobomb.scaling.policies[" + n + "].";
      properties.put(policy + "queue", queues.get(n));
      properties.put(policy + "deployment", LocalKubernetes.THUMBNAIL_WORKER);
      properties.put(policy + "namespace", LocalKubernetes.NAMESPACE);
      properties.put(policy + "min-replicas", LocalKubernetes.MIN_REPLICAS);
      properties.put(policy + "max-replicas", 12);
      properties.put(policy + "jobs-per-replica", 15);
      properties.put(policy + "threshold", 30);
      properties.put(policy + "clear-threshold", 10);
    }
  }

  private void createDatabaseIfMissing() {
    try (Connection connection = DriverManager.getConnection(endpoints.jdbcUrl("postgres"),
        endpoints.postgresUser(), endpoints.postgresPassword());
        Statement statement = connection.createStatement()) {
      if (!exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?", APP_USER)) {
        statement.execute("CREATE ROLE " + APP_USER + " LOGIN PASSWORD '" + APP_PASSWORD + "'");
      }
      if (!exists(connection, "SELECT 1 FROM pg_database WHERE datname = ?", DATABASE)) {
        statement.execute("CREATE DATABASE " + DATABASE + " OWNER " + APP_USER);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the local database", e);
    }
  }

  /**
   * The database as production has it, owned here: the photobomb schema (the photobomb API's, here the local user's),
   * the roles and grants of deploy/database, then the ops tables migrated by the migrator. Each service connects with
   * its own role; the local user may read and change everything, as an operator.
   */
  private int migrate(String jdbcUrl) {
    int executed = SchemaMigrations.photobomb(Flyway.configure().dataSource(jdbcUrl, APP_USER, APP_PASSWORD)).load()
        .migrate().migrationsExecuted;
    try (Connection admin = DriverManager.getConnection(jdbcUrl, endpoints.postgresUser(),
        endpoints.postgresPassword());
        Statement statement = admin.createStatement()) {
      DatabaseRoles.apply(admin);
      statement.execute("GRANT " + DatabaseRole.MIGRATOR.roleName() + " TO " + APP_USER);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the database roles", e);
    }
    return executed + SchemaMigrations.ops(Flyway.configure().dataSource(jdbcUrl, DatabaseRole.MIGRATOR.roleName(),
        DatabaseRole.MIGRATOR.password())).load().migrate().migrationsExecuted;
  }

  private static boolean exists(Connection connection, String sql, String name) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, name);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static PGSimpleDataSource dataSource(String jdbcUrl) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(jdbcUrl);
    dataSource.setUser(APP_USER);
    dataSource.setPassword(APP_PASSWORD);
    return dataSource;
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

  public Path directory() {
    return settings.directory();
  }

  public Path objectStoreRoot() {
    return settings.directory().resolve("objects");
  }

  public Path logDirectory() {
    return settings.directory().resolve("logs");
  }

  public Path endpointsFile() {
    return settings.directory().resolve("photobomb-local.properties");
  }

  public String jdbcUrl() {
    return endpoints.jdbcUrl(DATABASE);
  }

  /** Stops the services first, then the relay, then the servers, and releases the directory last. */
  @Override
  public synchronized void close() {
    if (running.isEmpty()) {
      return;
    }
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
