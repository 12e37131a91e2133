package app.photobomb.ops.relay;

/**
 * Where the relay reads (one PostgreSQL database) and writes (one Kafka cluster), and the Kafka topic where it
 * keeps its position. {@code slotName} must be unique per server; the publication (photobomb_outbox) comes from
 * the ops migrations.
 */
public record OutboxRelaySettings(String databaseHost, int databasePort, String databaseName, String user,
    String password, String bootstrapServers, String offsetsTopic, short offsetsReplicationFactor,
    String slotName) {
}
