package app.photobomb.ops.platform.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the platform-service ({@code photobomb.platform.*}).
 *
 * @param runnerInterval how often the runner looks for due steps
 * @param maxAttempts attempts of a step that throws (an API unreachable, a 5xx) before the saga fails at it
 * @param maxBackoff longest wait between two attempts (doubling from one second)
 */
@ConfigurationProperties("photobomb.platform")
public record PlatformProperties(
    @DefaultValue("1s") Duration runnerInterval,
    @DefaultValue("5") int maxAttempts,
    @DefaultValue("60s") Duration maxBackoff) {
}
