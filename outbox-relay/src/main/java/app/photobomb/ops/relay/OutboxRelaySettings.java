package app.photobomb.ops.relay;

import java.nio.file.Path;

/**
 * Where the relay reads (one PostgreSQL database) and writes (one Kafka cluster), and where it keeps its
 * position. {@code slotName} must be unique per server; the publication (photobomb_outbox) comes from the ops migrations.
 */
public record OutboxRelaySettings(String databaseHost, int databasePort, String databaseName, String user,
    String password, String bootstrapServers, Path offsetFile, String slotName) {
}
