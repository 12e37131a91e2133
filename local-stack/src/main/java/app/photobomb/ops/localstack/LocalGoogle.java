package app.photobomb.ops.localstack;

import app.photobomb.ops.testsupport.google.FakeCloudRun;
import app.photobomb.ops.testsupport.google.FakeSecretManager;
import app.photobomb.ops.testsupport.google.FakeSqlAdmin;
import app.photobomb.ops.testsupport.google.GoogleFakeServer;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.RevisionTemplate;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local stand-ins of the platform-service's world: Cloud SQL Admin (the instance {@value #INSTANCE} with a read
 * replica and a week of daily backups), Cloud Run Admin v2 and Secret Manager on one loopback gRPC server (the API's
 * service {@value #API_SERVICE} with three revisions, the newest serving), and the API's health endpoints. State in
 * memory only: every start begins like this again.
 */
final class LocalGoogle implements AutoCloseable {

  static final String PROJECT = "photobomb-local";
  static final String REGION = "us-central1";
  static final String INSTANCE = "photobomb-prod-db";
  static final String API_SERVICE = "photobomb-api";
  static final String TIER = "db-custom-4-16384";

  private final FakeSqlAdmin sqlAdmin;
  private final GoogleFakeServer grpc;
  private final HttpServer api;

  private LocalGoogle(FakeSqlAdmin sqlAdmin, GoogleFakeServer grpc, HttpServer api) {
    this.sqlAdmin = sqlAdmin;
    this.grpc = grpc;
    this.api = api;
  }

  /**
   * Starts the stand-ins; the backups are daily, the newest begun an hour before {@code newestUpload} (the demo data's
   * newest photo), so that a restore of it passes the freshness check as a real backup of this database would.
   */
  static LocalGoogle start(Instant newestUpload) {
    FakeSqlAdmin sqlAdmin = FakeSqlAdmin.start(PROJECT);
    sqlAdmin.seedInstance(INSTANCE, "POSTGRES_17", TIER, Map.of("max_connections", "100"));
    sqlAdmin.seedReplica(INSTANCE, INSTANCE + "-replica");
    Instant newestBackup = newestUpload.minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    for (int day = 6; day >= 0; day--) {
      sqlAdmin.seedBackup(INSTANCE, 1007L - day, "SUCCESSFUL", newestBackup.minus(Duration.ofDays(day)));
    }
    FakeCloudRun cloudRun = new FakeCloudRun();
    cloudRun.seedService("projects/" + PROJECT + "/locations/" + REGION + "/services/" + API_SERVICE, List.of(
        release("photobomb-api-00001-aaa", "1.0.0"), release("photobomb-api-00002-bbb", "1.1.0"),
        release("photobomb-api-00003-ccc", "1.2.0")), List.of());
    FakeSecretManager secrets = new FakeSecretManager();
    GoogleFakeServer grpc = GoogleFakeServer.loopback(cloudRun, secrets);
    return new LocalGoogle(sqlAdmin, grpc, startApi());
  }

  private static RevisionTemplate release(String revision, String version) {
    return RevisionTemplate.newBuilder().setRevision(revision)
        .addContainers(Container.newBuilder().setImage("photobomb/api:" + version)).build();
  }

  /** The API's health endpoint as the sagas' verification reads it: healthy. */
  private static HttpServer startApi() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(LocalServers.LOOPBACK, 0), 0);
      server.createContext("/healthz", exchange -> {
        byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the API's health stand-in", e);
    }
  }

  /**
   * The platform-service's settings for these stand-ins; {@code jdbcUrl} is what its JDBC checks connect to: as its
   * own role for {@code SHOW max_connections}, as the database's owner for the restore's validation queries (which
   * read the schema history too).
   */
  Map<String, Object> platformProperties(String jdbcUrl, String user, String password, String owner,
      String ownerPassword) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("photobomb.platform.google.local", true);
    properties.put("photobomb.platform.google.project", PROJECT);
    properties.put("photobomb.platform.google.region", REGION);
    properties.put("photobomb.platform.google.sql-admin-url", sqlAdmin.rootUrl());
    properties.put("photobomb.platform.google.cloud-run-endpoint", grpc.target());
    properties.put("photobomb.platform.google.secret-manager-endpoint", grpc.target());
    properties.put("photobomb.platform.database.verify-url", jdbcUrl);
    properties.put("photobomb.platform.database.verify-username", user);
    properties.put("photobomb.platform.database.verify-password", password);
    properties.put("photobomb.platform.database.poll-interval", "1s");
    properties.put("photobomb.platform.rollback.service", API_SERVICE);
    properties.put("photobomb.platform.rollback.health-url", healthUrl());
    properties.put("photobomb.platform.rollback.check-interval", "2s");
    properties.put("photobomb.platform.rollback.poll-interval", "1s");
    // a restored instance is the local database itself (its demo data passes the row-count checks)
    properties.put("photobomb.platform.restore.jdbc-url-template", jdbcUrl);
    properties.put("photobomb.platform.restore.jdbc-username", owner);
    properties.put("photobomb.platform.restore.jdbc-password", ownerPassword);
    properties.put("photobomb.platform.restore.schema-version-query", "SELECT version FROM photobomb_schema_history "
        + "WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1");
    properties.put("photobomb.platform.restore.health-url", healthUrl());
    properties.put("photobomb.platform.restore.health-interval", "1s");
    properties.put("photobomb.platform.restore.poll-interval", "1s");
    return properties;
  }

  String sqlAdminUrl() {
    return sqlAdmin.rootUrl();
  }

  String grpcTarget() {
    return grpc.target();
  }

  String healthUrl() {
    return "http://" + LocalServers.LOOPBACK + ":" + api.getAddress().getPort() + "/healthz";
  }

  @Override
  public void close() {
    api.stop(0);
    grpc.close();
    sqlAdmin.close();
  }
}
