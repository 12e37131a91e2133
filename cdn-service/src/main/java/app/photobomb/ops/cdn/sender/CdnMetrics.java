package app.photobomb.ops.cdn.sender;

import app.photobomb.ops.cdn.cloudflare.PurgeAnswer;
import app.photobomb.ops.common.metrics.DatabaseGauge;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The cdn-service's metrics: calls by outcome, URLs purged, tokens left, the oldest target not yet purged. */
@Component
public class CdnMetrics {

  private static final List<String> OUTCOMES = List.of("purged", "rate_limited", "unavailable", "rejected");

  private final MeterRegistry meters;
  private final Counter urls;

  public CdnMetrics(MeterRegistry meters, JdbcTemplate jdbc) {
    this.meters = meters;
    this.urls = Counter.builder("photobomb.cdn.urls.purged").description("URLs and prefixes Cloudflare purged")
        .register(meters);
    // registered at start, so that the first 429 is an increase() and not a new series
    for (String outcome : OUTCOMES) {
      meters.counter("photobomb.cdn.calls", "outcome", outcome);
    }
    DatabaseGauge.register(meters, jdbc, "photobomb.cdn.unsent.oldest.seconds",
        "Age of the oldest target not yet purged (waiting to be coalesced, or in a call not yet made)", """
            SELECT extract(epoch FROM now() - least(
                (SELECT min(created_at) FROM cdn_purge_targets WHERE call_id IS NULL),
                (SELECT min(t.created_at) FROM cdn_purge_calls c JOIN cdn_purge_targets t USING (call_id)
                 WHERE c.status = 'pending')))""");
  }

  void tokensLeft(DoubleSupplier tokens) {
    Gauge.builder("photobomb.cdn.tokens", tokens::getAsDouble)
        .description("Purge calls the plan's buckets allow at once now").register(meters);
  }

  void call(PurgeAnswer answer, int weight) {
    String outcome = answer instanceof PurgeAnswer.Purged ? "purged"
        : answer instanceof PurgeAnswer.RateLimited ? "rate_limited"
        : answer instanceof PurgeAnswer.Unavailable ? "unavailable" : "rejected";
    meters.counter("photobomb.cdn.calls", "outcome", outcome).increment();
    if (answer instanceof PurgeAnswer.Purged) {
      urls.increment(weight);
    }
  }
}
