package app.photobomb.ops.common.messaging;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long the inbox remembers handled messages ({@code photobomb.messaging.inbox-retention}, e.g.
 * {@code PHOTOBOMB_MESSAGING_INBOX_RETENTION}). The retention must exceed the longest time a message can come back:
 * the command topics' retention and any replay of old records.
 *
 * @param inboxRetention rows handled longer ago than this are deleted
 * @param inboxExpiryInterval how often the expiry runs
 */
@ConfigurationProperties("photobomb.messaging")
public record InboxRetentionProperties(
    @DefaultValue("14d") Duration inboxRetention,
    @DefaultValue("1h") Duration inboxExpiryInterval) {
}
