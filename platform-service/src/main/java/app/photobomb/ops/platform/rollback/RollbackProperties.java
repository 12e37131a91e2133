package app.photobomb.ops.platform.rollback;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the rollback saga ({@code photobomb.platform.rollback.*}): the API's Cloud Run service (in the project
 * and region of {@code photobomb.platform.google}) and the verification that replaces the runbook's "monitor for 15
 * minutes".
 *
 * @param service the API's Cloud Run service
 * @param pollInterval how often a Cloud Run operation is polled
 * @param healthUrl the API's health endpoint; a check passes on a 2xx answer
 * @param prometheusUrl Prometheus' base URL for the error-rate query; blank: health checks only
 * @param errorRateQuery PromQL that gives the API's share of 5xx answers (0..1)
 * @param maxErrorRate a check fails above this error rate
 * @param checkInterval time between two checks
 * @param verifyDuration how long to verify when the command gives no {@code verifyMinutes}
 * @param minChecks checks that must run before the release counts as verified, however short the duration
 * @param failureLimit failed checks tolerated: one more fails the verification
 * @param checkTimeout longest wait for one answer of the health endpoint or Prometheus
 */
@ConfigurationProperties("photobomb.platform.rollback")
public record RollbackProperties(
    @DefaultValue("photobomb-api") String service,
    @DefaultValue("5s") Duration pollInterval,
    @DefaultValue("https://api.photobomb.app/healthz") String healthUrl,
    @DefaultValue("") String prometheusUrl,
    @DefaultValue("sum(rate(http_requests_total{service=\"photobomb-api\",code=~\"5..\"}[5m])) / "
        + "sum(rate(http_requests_total{service=\"photobomb-api\"}[5m]))") String errorRateQuery,
    @DefaultValue("0.01") double maxErrorRate,
    @DefaultValue("30s") Duration checkInterval,
    @DefaultValue("15m") Duration verifyDuration,
    @DefaultValue("5") int minChecks,
    @DefaultValue("3") int failureLimit,
    @DefaultValue("10s") Duration checkTimeout) {

  /** Checks that a verification of {@code duration} takes: one per interval, at least {@link #minChecks}. */
  public int checksFor(Duration duration) {
    long fitting = checkInterval.isZero() ? 0 : duration.toMillis() / checkInterval.toMillis();
    return (int) Math.max(minChecks, Math.min(fitting, 10_000));
  }
}
