package app.photobomb.ops.localstack;

import app.photobomb.ops.testsupport.DurableServers;
import app.photobomb.ops.testsupport.google.FakeCloudRun;
import app.photobomb.ops.testsupport.google.FakeSecretManager;
import app.photobomb.ops.testsupport.google.FakeSqlAdmin;
import app.photobomb.ops.testsupport.google.GoogleFakeServer;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.EnvVarSource;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.SecretKeySelector;
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
 * replica, a week of daily backups and the rotation's two alternating users), Cloud Run Admin v2 and Secret Manager on
 * one loopback gRPC server (the API's service {@value #API_SERVICE} with three revisions, the newest serving, each
 * reading the rotated secrets pinned to their first versions), and the API's health endpoints. State in memory only:
 * every start begins like this again.
 */
final class LocalGoogle implements AutoCloseable {

  static final String PROJECT = "photobomb-local";
  static final String REGION = "us-central1";
  static final String INSTANCE = "photobomb-prod-db";
  static final String API_SERVICE = "photobomb-api";
  static final String TIER = "db-custom-4-16384";

  /** The API's environment variables that read a rotated secret, and the secret each reads. */
  private static final List<Map.Entry<String, String>> API_SECRETS = List.of(
      Map.entry("DATABASE_USER", LocalRotation.DATABASE_USER),
      Map.entry("DATABASE_PASSWORD", LocalRotation.DATABASE_PASSWORD),
      Map.entry("JWT_SECRET", LocalRotation.JWT_SECRET),
      Map.entry("B2_APPLICATION_KEY_ID", LocalRotation.B2_KEY_ID),
      Map.entry("B2_APPLICATION_KEY", LocalRotation.B2_KEY));

  private final FakeSqlAdmin sqlAdmin;
  private final FakeCloudRun cloudRun;
  private final FakeSecretManager secrets;
  private final GoogleFakeServer grpc;
  private final HttpServer api;

  private LocalGoogle(FakeSqlAdmin sqlAdmin, FakeCloudRun cloudRun, FakeSecretManager secrets, GoogleFakeServer grpc,
      HttpServer api) {
    this.sqlAdmin = sqlAdmin;
    this.cloudRun = cloudRun;
    this.secrets = secrets;
    this.grpc = grpc;
    this.api = api;
  }

  /**
   * Starts the stand-ins; the backups are daily, the newest begun an hour before {@code newestUpload} (the demo data's
   * newest photo), so that a restore of it passes the freshness check as a real backup of this database would;
   * {@code secretValues} are the first versions of the rotated secrets, by id.
   */
  static LocalGoogle start(Instant newestUpload, Map<String, String> secretValues) {
    FakeSqlAdmin sqlAdmin = FakeSqlAdmin.start(PROJECT);
    sqlAdmin.seedInstance(INSTANCE, "POSTGRES_17", TIER, Map.of("max_connections", "100"));
    sqlAdmin.seedReplica(INSTANCE, INSTANCE + "-replica");
    Instant newestBackup = newestUpload.minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    for (int day = 6; day >= 0; day--) {
      sqlAdmin.seedBackup(INSTANCE, 1007L - day, "SUCCESSFUL", newestBackup.minus(Duration.ofDays(day)));
    }
    LocalRotation.DATABASE_USERS.forEach(user -> sqlAdmin.seedUser(INSTANCE, user));
    FakeCloudRun cloudRun = new FakeCloudRun();
    cloudRun.seedService("projects/" + PROJECT + "/locations/" + REGION + "/services/" + API_SERVICE, List.of(
        release("photobomb-api-00001-aaa", "1.0.0"), release("photobomb-api-00002-bbb", "1.1.0"),
        release("photobomb-api-00003-ccc", "1.2.0")), List.of());
    FakeSecretManager secrets = new FakeSecretManager();
    secretValues.forEach((id, value) -> secrets.seed(secretName(id), value));
    GoogleFakeServer grpc = GoogleFakeServer.loopback(cloudRun, secrets);
    return new LocalGoogle(sqlAdmin, cloudRun, secrets, grpc, startApi());
  }

  /** A release of the API; it reads the rotated secrets at version 1 (pinned, as a rotation leaves them). */
  private static RevisionTemplate release(String revision, String version) {
    Container.Builder container = Container.newBuilder().setImage("photobomb/api:" + version);
    API_SECRETS.forEach(secret -> container.addEnv(EnvVar.newBuilder().setName(secret.getKey()).setValueSource(
        EnvVarSource.newBuilder().setSecretKeyRef(SecretKeySelector.newBuilder().setSecret(secret.getValue())
            .setVersion("1")))));
    return RevisionTemplate.newBuilder().setRevision(revision).addContainers(container).build();
  }

  static String secretName(String id) {
    return "projects/" + PROJECT + "/secrets/" + id;
  }

  /** The API's health endpoint (and the login check under it) as the sagas' verification reads it: healthy. */
  private static HttpServer startApi() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(DurableServers.LOOPBACK, 0), 0);
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
    properties.put("photobomb.platform.rotation.service", API_SERVICE);
    properties.put("photobomb.platform.rotation.database.instance", INSTANCE);
    properties.put("photobomb.platform.rotation.health-url", healthUrl() + "/auth");
    properties.put("photobomb.platform.rotation.poll-interval", "1s");
    properties.put("photobomb.platform.rotation.verify-timeout", "1m");
    return properties;
  }

  String sqlAdminUrl() {
    return sqlAdmin.rootUrl();
  }

  String grpcTarget() {
    return grpc.target();
  }

  /** The Cloud Run stand-in (what LocalStackTest reads the API's revisions from). */
  FakeCloudRun cloudRun() {
    return cloudRun;
  }

  /** The Secret Manager stand-in (what LocalStackTest reads the rotated versions from). */
  FakeSecretManager secretManager() {
    return secrets;
  }

  String healthUrl() {
    return "http://" + DurableServers.LOOPBACK + ":" + api.getAddress().getPort() + "/healthz";
  }

  @Override
  public void close() {
    api.stop(0);
    grpc.close();
    sqlAdmin.close();
  }
}
