package app.photobomb.ops.deletion.jobs;

import app.photobomb.ops.common.jobs.PeriodicTasks;
import app.photobomb.ops.deletion.config.DeletionProperties;
import app.photobomb.ops.deletion.domain.HardDeleter;
import app.photobomb.ops.deletion.domain.ObjectDeleter;
import org.springframework.stereotype.Component;

/**
 * Hard-deletes the rows of due accounts (the runbook's deleted_at older than the grace period) and works through
 * the object phase, pass after pass while there is work, then waits the interval. Safe with many replicas:
 * accounts are taken under row locks, object tasks under claims.
 */
@Component
public class HardDeleteScheduler extends PeriodicTasks {

  private static final int ACCOUNTS_PER_PASS = 100;

  private final HardDeleter hardDeleter;
  private final ObjectDeleter objectDeleter;

  public HardDeleteScheduler(HardDeleter hardDeleter, ObjectDeleter objectDeleter, DeletionProperties properties) {
    super("hard-delete-scheduler");
    this.hardDeleter = hardDeleter;
    this.objectDeleter = objectDeleter;
    every(properties.schedulerInterval(), "hard delete pass", this::runOnce);
  }

  /** Passes until one finds nothing to do (failing tasks wait out their backoff); what the interval runs. */
  public void runOnce() {
    boolean worked;
    do {
      worked = hardDeleter.deleteDue(ACCOUNTS_PER_PASS) > 0;
      worked |= objectDeleter.runPass();
    } while (worked && !Thread.currentThread().isInterrupted());
  }
}
