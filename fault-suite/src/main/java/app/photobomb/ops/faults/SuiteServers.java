package app.photobomb.ops.faults;

import app.photobomb.ops.common.database.SchemaMigrations;
import app.photobomb.ops.relay.OutboxRelay;
import app.photobomb.ops.relay.OutboxRelaySettings;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.EmbeddedServers;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.ServerEndpoints;
import app.photobomb.ops.testsupport.ServerPorts;
import app.photobomb.ops.testsupport.cloudflare.CloudflarePlanLimits;
import app.photobomb.ops.testsupport.cloudflare.CloudflareStandIn;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the services lean on, started in the suite's JVM or as children of it: Kafka (KRaft, in this JVM),
 * PostgreSQL and Redis (processes of their own, test-support's {@link EmbeddedServers}), the photobomb database
 * migrated as production has it, the outbox relay, and the Cloudflare stand-in. The relay is one for the
 * database, in this JVM, as the local stack runs it and as production runs its Kafka Connect connector apart from
 * the services: killing a service never kills the relay, and one relay means each outbox row is published once
 * (a relay per service on one database would publish every row once per relay).
 */
final class SuiteServers implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SuiteServers.class);
  static final String DATABASE = "photobomb";
  static final String CLOUDFLARE_TOKEN = "fault-suite-cache-purge-token";
  static final String CLOUDFLARE_ZONE = "0c0ffee0000000000000000000000018";
  static final String ORIGINALS = "photobomb-originals";
  static final String THUMBNAILS = "photobomb-thumbnails";
  static final String EXPORTS = "photobomb-exports";

  private final List<AutoCloseable> running = new ArrayList<>();
  private final Path objectStore;
  private ServerEndpoints endpoints;
  private String jdbcUrl;
  private CloudflareStandIn cloudflare;

  private SuiteServers(Path objectStore) {
    this.objectStore = objectStore;
  }

  /** Starts them all, the object store's files under {@code directory}; on failure stops what had started. */
  static SuiteServers start(Path directory) {
    SuiteServers servers = new SuiteServers(directory.resolve("objects"));
    try {
      servers.startAll();
      return servers;
    } catch (RuntimeException e) {
      servers.close();
      throw e;
    }
  }

  private void startAll() {
    EmbeddedServers embedded = EmbeddedServers.start(ServerPorts.ANY_FREE, null);
    running.add(embedded);
    endpoints = embedded.endpoints();
    log.info("servers up: {}", embedded.description());
    jdbcUrl = RealServers.photobombDatabase(endpoints, DATABASE);
    int migrated = SchemaMigrations.ops(Flyway.configure().dataSource(jdbcUrl, DatabaseRole.MIGRATOR.roleName(),
        DatabaseRole.MIGRATOR.password())).load().migrate().migrationsExecuted;
    log.info("database {} migrated: the photobomb schema, roles and grants, {} ops migrations", DATABASE, migrated);
    running.add(OutboxRelay.start(new OutboxRelaySettings(endpoints.postgresHost(), endpoints.postgresPort(),
        DATABASE, DatabaseRole.RELAY.roleName(), DatabaseRole.RELAY.password(), endpoints.kafkaBootstrapServers(),
        "photobomb-outbox-relay-offsets", (short) 1, "photobomb_outbox")));
    log.info("outbox relay of database {} running", DATABASE);
    cloudflare = CloudflareStandIn.start(new CloudflareStandIn.Settings(0, CLOUDFLARE_TOKEN, CLOUDFLARE_ZONE,
        CloudflarePlanLimits.PRO, objectStore.resolve(THUMBNAILS)));
    running.add(cloudflare);
    log.info("cloudflare stand-in at {}", cloudflare.baseUrl());
  }

  ServerEndpoints endpoints() {
    return endpoints;
  }

  String jdbcUrl() {
    return jdbcUrl;
  }

  /** The local object store's root: one directory per bucket, one file per key. */
  Path objectStore() {
    return objectStore;
  }

  CloudflareStandIn cloudflare() {
    return cloudflare;
  }

  /** The administrator's connections: the suite plays the photobomb API (seeding) and the auditor (checks). */
  PGSimpleDataSource adminDataSource() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(jdbcUrl);
    dataSource.setUser(endpoints.postgresUser());
    dataSource.setPassword(endpoints.postgresPassword());
    return dataSource;
  }

  @Override
  public void close() {
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        log.warn("did not stop cleanly", e);
      }
    }
    running.clear();
  }
}
