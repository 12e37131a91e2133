package app.photobomb.ops.faults;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGKILL of the thumbnail worker while it holds jobs (a row 'running' under its lease, the item in its processing
 * list): the jobs must come back (the reaper finds the dead worker) and be done once, by the restarted worker.
 */
final class WorkerKill implements Fault {

  private static final Logger log = LoggerFactory.getLogger(WorkerKill.class);
  private static final Duration JOB_WAIT = Duration.ofSeconds(20);

  private final ServiceProcess worker;
  private final DatabaseView database;

  WorkerKill(ServiceProcess worker, DatabaseView database) {
    this.worker = worker;
    this.database = database;
  }

  @Override
  public String name() {
    return "SIGKILL of the thumbnail worker mid-job";
  }

  @Override
  public int injectionsPerRound(FaultSettings settings) {
    return settings.injections();
  }

  /** A reprocess batch sent just before, so that the worker has its jobs in hand when it is killed. */
  @Override
  public CommandKind strikesDuring() {
    return CommandKind.REPROCESS;
  }

  @Override
  public void inject(int injection, Runnable whileBroken) throws InterruptedException {
    Waves.during(whileBroken, () -> {
      try {
        Awaitility.await("a job in the worker's hands").atMost(JOB_WAIT).pollInterval(Duration.ofMillis(20))
            .until(() -> database.runningJobs() > 0);
      } catch (ConditionTimeoutException e) {
        log.warn("no job was running within {}: the worker is killed idle", JOB_WAIT);
      }
      long inHand = database.runningJobs();
      worker.kill();
      log.info("thumbnail worker killed (SIGKILL) with {} job(s) running", inHand);
      worker.start();
      worker.awaitReady();
    });
  }
}
