package app.photobomb.ops.reprocess.jobs;

import app.photobomb.ops.common.jobs.PeriodicTasks;
import app.photobomb.ops.reprocess.config.ReprocessProperties;
import org.springframework.stereotype.Component;

/**
 * The service's background work, each task on its own thread: the enqueuer, the reaper, the outcome reporter and
 * the progress reports. Each is safe with many replicas (claims with leases, SKIP LOCKED row claims).
 */
@Component
public class ReprocessScheduler extends PeriodicTasks {

  public ReprocessScheduler(BatchEnqueuer enqueuer, LeaseReaper reaper, OutcomeReporter reporter,
      ReprocessProperties properties) {
    super("reprocess");
    every(properties.enqueueInterval(), "batch enqueue pass", enqueuer::runOnce);
    every(properties.reaperInterval(), "lease reaper pass", reaper::runOnce);
    every(properties.reportInterval(), "outcome report pass", reporter::reportOnce);
    every(properties.progressInterval(), "progress report pass", reporter::progressOnce);
  }
}
