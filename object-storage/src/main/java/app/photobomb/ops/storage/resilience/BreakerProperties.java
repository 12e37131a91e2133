package app.photobomb.ops.storage.resilience;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Circuit breaker of each object store ({@code photobomb.storage.breaker.*}); defaults from the runbook's
 * storage-outage task: open after 10 failures, try again after 60 s.
 *
 * @param failureThreshold consecutive failed calls that open the breaker
 * @param openDuration how long an open breaker refuses calls before letting trial calls through
 * @param halfOpenCalls trial calls after that; all must succeed to close it again
 */
@ConfigurationProperties("photobomb.storage.breaker")
public record BreakerProperties(@DefaultValue("10") int failureThreshold, @DefaultValue("60s") Duration openDuration,
    @DefaultValue("1") int halfOpenCalls) {
}
