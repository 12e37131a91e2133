package app.photobomb.ops.deletion.jobs;

import app.photobomb.ops.common.metrics.DatabaseGauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What an on-call engineer watches of deletions, read from the database at each scrape: accounts waiting,
 * accounts in their object phase, objects still to delete, age of the oldest due account, accounts deleted.
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
    DatabaseGauge.register(registry, jdbc, "photobomb.deletion.users.failing",
        "Accounts whose deletion keeps failing on some object (it is retried every pass; look at last_error)",
        "SELECT count(DISTINCT user_id) FROM deletion_tasks WHERE status = 'pending' AND attempts > 0");
    DatabaseGauge.register(registry, jdbc, "photobomb.deletion.objects.pending", "Stored objects still to delete",
        "SELECT count(*) FROM deletion_tasks WHERE status = 'pending'");
    DatabaseGauge.register(registry, jdbc, "photobomb.deletion.objects.deleted", "Stored objects deleted",
        "SELECT count(*) FROM deletion_tasks WHERE status = 'done'");
    DatabaseGauge.register(registry, jdbc, "photobomb.deletion.objects.failing", "Pending objects whose deletion failed at least once",
        "SELECT count(*) FROM deletion_tasks WHERE status = 'pending' AND attempts > 0");
    DatabaseGauge.register(registry, jdbc, "photobomb.deletion.oldest_due_seconds", "Age of the oldest account past its grace period",
        "SELECT coalesce(extract(epoch FROM now() - min(hard_delete_after)), 0) FROM user_deletions "
            + "WHERE status = 'scheduled' AND hard_delete_after <= now()");
  }
}
