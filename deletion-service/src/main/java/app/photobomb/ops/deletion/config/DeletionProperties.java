package app.photobomb.ops.deletion.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of account deletion ({@code photobomb.deletion.*}).
 *
 * @param grace how long a soft-deleted account can still be restored (the runbook's 30 days)
 */
@ConfigurationProperties("photobomb.deletion")
public record DeletionProperties(@DefaultValue("30d") Duration grace) {
}
