package app.photobomb.ops.relay;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded relay inside a Spring application ({@code photobomb.outbox-relay.*}); off by default because
 * production relays with Kafka Connect.
 *
 * @param enabled run the embedded relay in this application
 * @param slotName replication slot and publication name, unique per database
 * @param offsetsTopic the compacted Kafka topic where the relay keeps its position (created if absent)
 * @param offsetsReplicationFactor replication factor of that topic when the relay creates it
 */
@ConfigurationProperties("photobomb.outbox-relay")
public record OutboxRelayProperties(@DefaultValue("false") boolean enabled,
    @DefaultValue("photobomb_outbox") String slotName,
    @DefaultValue("photobomb-outbox-relay-offsets") String offsetsTopic,
    @DefaultValue("1") short offsetsReplicationFactor) {
}
