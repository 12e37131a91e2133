package app.photobomb.ops.deletion.jobs;

import app.photobomb.ops.common.metrics.DatabaseGauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What an on-call engineer watches of deletions, read from the database at each scrape: accounts waiting, in
 * their object phase, failed and deleted; listings and object versions still to do, tasks failing, age of the
 * oldest due account.
 */
@Component
class DeletionMetrics {

  DeletionMetrics(MeterRegistry registry, JdbcTemplate jdbc) {
    DatabaseGauge.register(registry, jdbc, "photobomb.deletion.users.pending", "Accounts scheduled for a hard delete",
        "SELECT count(*) FROM user_deletions WHERE status = 'scheduled'");
    DatabaseGauge.register(registry, jdbc, "photobomb.deletion.users.deleting_objects", "Accounts whose objects are being deleted",
        "SELECT count(*) FROM user_deletions WHERE status = 'deleting_objects'");
    DatabaseGauge.register(registry, jdbc, "photobomb.deletion.users.deleted", "Accounts hard-deleted",
        "SELECT count(*) FROM user_deletions WHERE status = 'deleted'");
    DatabaseGauge.register(registry, jdbc, "photobomb.deletion.users.failed",
        "Deletions that could not proceed (user_deletions.failure_reason says why)",
        "SELECT count(*) FROM user_deletions WHERE status = 'failed'");
    DatabaseGauge.register(registry, jdbc, "photobomb.deletion.users.failing",
        "Accounts whose deletion keeps failing on some object (retried with backoff; look at last_error)",
        "SELECT count(DISTINCT user_id) FROM deletion_tasks WHERE status = 'pending' AND attempts > 0");
    DatabaseGauge.register(registry, jdbc, "photobomb.deletion.listings.pending",
        "Prefixes and keys still to list for their versions",
        "SELECT count(*) FROM deletion_tasks WHERE status = 'pending' AND kind <> 'version'");
    DatabaseGauge.register(registry, jdbc, "photobomb.deletion.objects.pending", "Listed object versions still to delete",
        "SELECT count(*) FROM deletion_tasks WHERE status = 'pending' AND kind = 'version'");
    DatabaseGauge.register(registry, jdbc, "photobomb.deletion.objects.deleted", "Object versions deleted",
        "SELECT count(*) FROM deletion_tasks WHERE kind = 'version' AND removed");
    DatabaseGauge.register(registry, jdbc, "photobomb.deletion.tasks.failing",
        "Pending listings and deletes that failed at least once",
        "SELECT count(*) FROM deletion_tasks WHERE status = 'pending' AND attempts > 0");
    DatabaseGauge.register(registry, jdbc, "photobomb.deletion.oldest_due_seconds", "Age of the oldest account past its grace period",
        "SELECT coalesce(extract(epoch FROM now() - min(hard_delete_after)), 0) FROM user_deletions "
            + "WHERE status = 'scheduled' AND hard_delete_after <= now()");
  }
}
