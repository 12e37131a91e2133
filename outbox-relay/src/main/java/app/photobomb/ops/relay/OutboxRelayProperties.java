package app.photobomb.ops.relay;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded relay inside a Spring application ({@code photobomb.outbox-relay.*}); off by default because
 * production relays with Kafka Connect.
 *
 * @param enabled run the embedded relay in this application
 * @param slotName replication slot name, unique per server (the publication, photobomb_outbox, is per database)
 * @param offsetsTopic the compacted Kafka topic where the relay keeps its position (created if absent)
 * @param offsetsReplicationFactor replication factor of that topic when the relay creates it
 * @param user the relay's database role (logical replication); defaults to the datasource's user
 * @param password its password; defaults to the datasource's when {@code user} is not set
 */
@ConfigurationProperties("photobomb.outbox-relay")
public record OutboxRelayProperties(@DefaultValue("false") boolean enabled,
    @DefaultValue("photobomb_outbox") String slotName,
    @DefaultValue("photobomb-outbox-relay-offsets") String offsetsTopic,
    @DefaultValue("1") short offsetsReplicationFactor, String user, String password) {
}
