package app.photobomb.ops.faults;

import app.photobomb.ops.common.database.SchemaMigrations;
import app.photobomb.ops.relay.OutboxRelay;
import app.photobomb.ops.relay.OutboxRelaySettings;
import app.photobomb.ops.storage.b2.FakeB2Server;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.DurableServers;
import app.photobomb.ops.testsupport.KraftNode;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.ServerEndpoints;
import app.photobomb.ops.testsupport.cloudflare.CloudflarePlanLimits;
import app.photobomb.ops.testsupport.cloudflare.CloudflareStandIn;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * Everything the services lean on, started in the suite's JVM or as children of it: Kafka (one KRaft node in this
 * JVM), PostgreSQL and Redis (processes of their own), each on a fixed port with its data in the run's directory so
 * that each can be stopped and started again as a restart in production would (test-support's {@link KraftNode} and
 * {@link DurableServers}, as the local stack runs them); the photobomb database migrated as production has it, the
 * outbox relay; the stand-ins: the fake B2 server (originals and thumbnails, object-storage's test helper), a local
 * store for the export archives, the Cloudflare stand-in. The relay is one for the
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
  private final Path directory;
  private final Path objectStore;
  private final int kafkaPort = DurableServers.portOrFree(0);
  private final int postgresPort = DurableServers.portOrFree(0);
  private final int redisPort = DurableServers.portOrFree(0);
  private KraftNode kafka;
  private EmbeddedPostgres postgres;
  private RedisServer redis;
  private ServerEndpoints endpoints;
  private String jdbcUrl;
  private CloudflareStandIn cloudflare;
  private FakeB2Server b2;

  private SuiteServers(Path directory) {
    this.directory = directory;
    this.objectStore = directory.resolve("objects");
  }

  /** Starts them all, their data under {@code directory}; on failure stops what had started. */
  static SuiteServers start(Path directory) {
    SuiteServers servers = new SuiteServers(directory);
    try {
      servers.startAll();
      return servers;
    } catch (RuntimeException e) {
      servers.close();
      throw e;
    }
  }

  private void startAll() {
    startKafka();
    startPostgres();
    startRedis();
    running.add(this::stopRedis);
    running.add(this::stopPostgres);
    running.add(this::stopKafka);
    endpoints = DurableServers.endpoints(kafka.bootstrapServers(), postgres, redisPort);
    log.info("servers up: Kafka {}, PostgreSQL {}, Redis {}, data in {}", endpoints.kafkaBootstrapServers(),
        postgresPort, redisPort, directory);
    jdbcUrl = RealServers.photobombDatabase(endpoints, DATABASE);
    int migrated = SchemaMigrations.ops(Flyway.configure().dataSource(jdbcUrl, DatabaseRole.MIGRATOR.roleName(),
        DatabaseRole.MIGRATOR.password())).load().migrate().migrationsExecuted;
    log.info("database {} migrated: the photobomb schema, roles and grants, {} ops migrations", DATABASE, migrated);
    running.add(OutboxRelay.start(new OutboxRelaySettings(endpoints.postgresHost(), endpoints.postgresPort(),
        DATABASE, DatabaseRole.RELAY.roleName(), DatabaseRole.RELAY.password(), endpoints.kafkaBootstrapServers(),
        "photobomb-outbox-relay-offsets", (short) 1, "photobomb_outbox")));
    log.info("outbox relay of database {} running", DATABASE);
    b2 = startB2();
    log.info("fake B2 at {} (buckets {}, {})", b2.baseUrl(), ORIGINALS, THUMBNAILS);
    cloudflare = CloudflareStandIn.start(new CloudflareStandIn.Settings(0, CLOUDFLARE_TOKEN, CLOUDFLARE_ZONE,
        CloudflarePlanLimits.PRO, objectStore.resolve(THUMBNAILS)));
    running.add(cloudflare);
    log.info("cloudflare stand-in at {}", cloudflare.baseUrl());
  }

  /** Kafka on its port again, with the topics, offsets and consumer groups it had. */
  synchronized void startKafka() {
    kafka = KraftNode.start(directory.resolve("kafka"), kafkaPort);
  }

  /** A controlled shutdown of the broker (as a rolling restart does); clients see it go away. */
  synchronized void stopKafka() {
    if (kafka != null) {
      kafka.close();
      kafka = null;
    }
  }

  /** PostgreSQL on its port again, on its data directory: what was committed is there. */
  synchronized void startPostgres() {
    postgres = DurableServers.startPostgres(directory.resolve("postgres"), postgresPort);
  }

  /** PostgreSQL's fast shutdown: open transactions are rolled back and every connection (the relay's too) is cut. */
  synchronized void stopPostgres() {
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        throw new UncheckedIOException("PostgreSQL did not stop", e);
      }
      postgres = null;
    }
  }

  /** Redis on its port again, with its append-only file replayed (the queues survive, as in production). */
  synchronized void startRedis() {
    redis = DurableServers.startRedis(directory.resolve("redis"), redisPort);
  }

  synchronized void stopRedis() {
    if (redis != null) {
      DurableServers.stopRedis(redis);
      redis = null;
    }
  }

  /** The originals and thumbnails buckets, as B2 holds them in production. */
  private FakeB2Server startB2() {
    try {
      FakeB2Server server = new FakeB2Server(Files.createDirectories(directory.resolve("b2"))).start();
      running.add(server);
      server.createBucket(ORIGINALS);
      server.createBucket(THUMBNAILS);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake B2 server", e);
    }
  }

  FakeB2Server b2() {
    return b2;
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
