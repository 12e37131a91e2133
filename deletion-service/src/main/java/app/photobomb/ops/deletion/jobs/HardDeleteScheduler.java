package app.photobomb.ops.deletion.jobs;

import app.photobomb.ops.common.jobs.PeriodicTasks;
import app.photobomb.ops.deletion.config.DeletionProperties;
import app.photobomb.ops.deletion.domain.HardDeleter;
import app.photobomb.ops.deletion.domain.ObjectDeleter;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Every interval: hard-deletes the rows of due accounts (the runbook's deleted_at older than the grace period),
 * then works through the object phase. Safe with many replicas: each account is claimed under a row lock.
 */
@Component
public class HardDeleteScheduler extends PeriodicTasks {

  private final HardDeleter hardDeleter;
  private final ObjectDeleter objectDeleter;

  public HardDeleteScheduler(HardDeleter hardDeleter, ObjectDeleter objectDeleter, DeletionProperties properties) {
    super("hard-delete-scheduler");
    this.hardDeleter = hardDeleter;
    this.objectDeleter = objectDeleter;
    every(properties.schedulerInterval(), "hard delete pass", this::runOnce);
  }

  /** One pass; also what the interval runs. */
  public void runOnce() {
    for (UUID userId : hardDeleter.due(10)) {
      hardDeleter.deleteRows(userId);
    }
    objectDeleter.run();
  }
}
