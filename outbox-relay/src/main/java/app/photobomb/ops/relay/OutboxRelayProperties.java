package app.photobomb.ops.relay;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded relay inside a Spring application ({@code photobomb.outbox-relay.*}); off by default because
 * production relays with Kafka Connect.
 *
 * @param enabled run the embedded relay in this application
 * @param slotName replication slot name, unique per server (the publication, photobomb_outbox, is per database)
 * @param offsetFile where the relay keeps its position; defaults to a file in the temp directory
 * @param user the relay's database role (logical replication); defaults to the datasource's user
 * @param password its password; defaults to the datasource's when {@code user} is not set
 */
@ConfigurationProperties("photobomb.outbox-relay")
public record OutboxRelayProperties(@DefaultValue("false") boolean enabled,
    @DefaultValue("photobomb_outbox") String slotName, Path offsetFile, String user, String password) {
}
