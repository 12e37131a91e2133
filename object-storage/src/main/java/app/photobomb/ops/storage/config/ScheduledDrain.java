package app.photobomb.ops.storage.config;

import app.photobomb.ops.common.jobs.PeriodicTasks;
import app.photobomb.ops.storage.resilience.UploadRetryWorker;
import java.time.Duration;

/** Runs the upload retry worker every interval while the application runs; does nothing without a worker. */
final class ScheduledDrain extends PeriodicTasks {

  ScheduledDrain(UploadRetryWorker worker, Duration interval) {
    super("upload-retry-worker");
    if (worker != null) {
      every(interval, "upload retry pass", () -> worker.drain(100));
    }
  }
}
