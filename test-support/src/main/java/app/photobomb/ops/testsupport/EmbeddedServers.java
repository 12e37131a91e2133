package app.photobomb.ops.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import redis.embedded.RedisServer;

/**
 * Real servers that need nothing but a JDK: a Kafka broker in KRaft mode (spring-kafka-test), PostgreSQL 17
 * from zonky's Maven-shipped binaries with {@code wal_level=logical}, and Redis from embedded-redis.
 */
public final class EmbeddedServers implements Servers {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedServers.class);
  private static final String LOOPBACK = "127.0.0.1";

  private final EmbeddedKafkaKraftBroker kafka;
  private final EmbeddedPostgres postgres;
  private final RedisServer redis;
  private final ServerEndpoints endpoints;

  private EmbeddedServers(EmbeddedKafkaKraftBroker kafka, EmbeddedPostgres postgres, RedisServer redis,
      int redisPort) {
    this.kafka = kafka;
    this.postgres = postgres;
    this.redis = redis;
    this.endpoints = new ServerEndpoints(kafka.getBrokersAsString(), LOOPBACK, postgres.getPort(), "postgres",
        "postgres", LOOPBACK, redisPort);
  }

  /** Starts all three; {@code postgresDataDirectory} null means a fresh temporary one. */
  public static EmbeddedServers start(ServerPorts ports, Path postgresDataDirectory) {
    long started = System.nanoTime();
    EmbeddedKafkaKraftBroker kafka = startKafka();
    EmbeddedPostgres postgres = null;
    try {
      postgres = startPostgres(ports.postgres(), postgresDataDirectory);
      int redisPort = ports.redis() == 0 ? freePort() : ports.redis();
      RedisServer redis = RedisServer.newRedisServer().port(redisPort).bind(LOOPBACK)
          .setting("save \"\"").setting("appendonly no").build();
      redis.start();
      EmbeddedServers servers = new EmbeddedServers(kafka, postgres, redis, redisPort);
      log.info("embedded servers up in {} ms: {}", (System.nanoTime() - started) / 1_000_000, servers.endpoints);
      return servers;
    } catch (IOException | RuntimeException e) {
      kafka.destroy();
      closeQuietly(postgres);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  private static EmbeddedKafkaKraftBroker startKafka() {
    EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 2);
    kafka.brokerProperties(Map.of(
        "auto.create.topics.enable", "true",
        "num.partitions", "2",
        "group.initial.rebalance.delay.ms", "0",
        "log.retention.hours", "24"));
    kafka.afterPropertiesSet();
    return kafka;
  }

  private static EmbeddedPostgres startPostgres(int port, Path dataDirectory) throws IOException {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setServerConfig("wal_level", "logical")
        .setServerConfig("max_wal_senders", "20")
        .setServerConfig("max_replication_slots", "20")
        .setServerConfig("max_connections", "200")
        // Test data is disposable: trading durability of the last commits for speed is fine here.
        .setServerConfig("synchronous_commit", "off")
        .setServerConfig("fsync", "off")
        .setServerConfig("full_page_writes", "off");
    if (port != 0) {
      builder.setPort(port);
    }
    if (dataDirectory != null) {
      builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
    }
    return builder.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public ServerEndpoints endpoints() {
    return endpoints;
  }

  @Override
  public String description() {
    return "embedded (Kafka KRaft in-process, PostgreSQL " + postgres.getPort() + ", Redis " + endpoints.redisPort()
        + ")";
  }

  @Override
  public void close() {
    try {
      redis.stop();
    } catch (IOException e) {
      log.warn("redis did not stop cleanly", e);
    }
    kafka.destroy();
    closeQuietly(postgres);
  }

  private static void closeQuietly(EmbeddedPostgres postgres) {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException e) {
      log.warn("postgres did not stop cleanly", e);
    }
  }
}
