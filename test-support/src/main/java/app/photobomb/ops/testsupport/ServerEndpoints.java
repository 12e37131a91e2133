package app.photobomb.ops.testsupport;

/** How to reach the running Kafka, PostgreSQL and Redis servers. */
public record ServerEndpoints(String kafkaBootstrapServers, String postgresHost, int postgresPort,
    String postgresUser, String postgresPassword, String redisHost, int redisPort) {

  /** JDBC URL of a database on the PostgreSQL server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + postgresHost + ":" + postgresPort + "/" + database;
  }

  public String redisUrl() {
    return "redis://" + redisHost + ":" + redisPort;
  }
}
