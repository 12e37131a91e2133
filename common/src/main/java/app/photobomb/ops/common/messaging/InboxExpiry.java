package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.jobs.PeriodicTasks;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Deletes inbox rows handled longer ago than the retention, so that the inbox keeps only what a redelivery
 * can still bring back. Each statement deletes a bounded batch and commits on its own, so a large backlog
 * holds no long lock; {@code SKIP LOCKED} lets the replicas of a service share the work without waiting on
 * each other.
 */
public class InboxExpiry extends PeriodicTasks {

  private static final Logger log = LoggerFactory.getLogger(InboxExpiry.class);

  static final int BATCH_SIZE = 10_000;

  // The cut-off is the database's clock, the one that wrote handled_at.
  private static final String DELETE_BATCH = """
      DELETE FROM inbox WHERE ctid = ANY (ARRAY(
          SELECT ctid FROM inbox WHERE handled_at < now() - make_interval(secs => ?)
          LIMIT ? FOR UPDATE SKIP LOCKED))""";

  private final JdbcTemplate jdbc;
  private final Duration retention;

  public InboxExpiry(JdbcTemplate jdbc, InboxRetentionProperties properties) {
    super("inbox-expiry");
    this.jdbc = jdbc;
    this.retention = properties.inboxRetention();
    every(properties.inboxExpiryInterval(), "inbox expiry", this::expire);
  }

  /** Deletes expired rows batch by batch until none is left; returns how many it deleted. */
  public long expire() {
    long deleted = 0;
    int batch;
    do {
      batch = jdbc.update(DELETE_BATCH, retention.toMillis() / 1000.0, BATCH_SIZE);
      deleted += batch;
    } while (batch == BATCH_SIZE && !Thread.currentThread().isInterrupted());
    if (deleted > 0) {
      log.info("inbox expiry deleted {} rows handled more than {} ago", deleted, retention);
    }
    return deleted;
  }
}
