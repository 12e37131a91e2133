package app.photobomb.ops.common.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A gauge read from the database at each scrape: state that lives in tables (queues, backlogs) is the same
 * number on every replica, and survives restarts, where an in-memory count would not.
 */
public final class DatabaseGauge {

  private DatabaseGauge() {
  }

  /** Registers a gauge whose value is the single number {@code sql} returns (0 when it returns null). */
  public static void register(MeterRegistry registry, JdbcTemplate jdbc, String name, String description,
      String sql) {
    Gauge.builder(name, jdbc, j -> {
      Number value = j.queryForObject(sql, Number.class);
      return value == null ? 0 : value.doubleValue();
    }).description(description).register(registry);
  }
}
