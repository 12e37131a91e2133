package app.photobomb.ops.testsupport;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** The same three servers as Testcontainers, for machines with a Docker engine. */
public final class ContainerServers implements Servers {

  private final KafkaContainer kafka;
  private final PostgreSQLContainer postgres;
  private final GenericContainer<?> redis;

  private ContainerServers(KafkaContainer kafka, PostgreSQLContainer postgres, GenericContainer<?> redis) {
    this.kafka = kafka;
    this.postgres = postgres;
    this.redis = redis;
  }

  /** Whether a Docker engine answers; the Docker client alone is not enough. */
  public static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  public static ContainerServers start() {
    KafkaContainer kafka = new KafkaContainer("apache/kafka-native:4.1.0");
    PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:17-alpine")
        .withDatabaseName("postgres")
        .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=20",
            "-c", "max_wal_senders=20", "-c", "max_connections=200");
    GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
    kafka.start();
    postgres.start();
    redis.start();
    return new ContainerServers(kafka, postgres, redis);
  }

  @Override
  public ServerEndpoints endpoints() {
    return new ServerEndpoints(kafka.getBootstrapServers(), postgres.getHost(), postgres.getMappedPort(5432),
        postgres.getUsername(), postgres.getPassword(), redis.getHost(), redis.getMappedPort(6379));
  }

  @Override
  public String description() {
    return "Testcontainers (Kafka, PostgreSQL 17, Redis 7)";
  }

  @Override
  public void close() {
    redis.stop();
    postgres.stop();
    kafka.stop();
  }
}
