package app.photobomb.ops.export.jobs;

import app.photobomb.ops.export.archive.ExportProgress;
import app.photobomb.ops.export.config.ExportProperties;
import app.photobomb.ops.export.domain.ExportJob;
import app.photobomb.ops.export.domain.ExportOutcomes;

/**
 * Reports an export's progress at most once per {@code progress-interval} (and renews its claim each time, well
 * within the lease); stops the build when the claim was lost.
 */
final class ProgressReporter implements ExportProgress {

  private final ExportJob job;
  private final String owner;
  private final ExportOutcomes outcomes;
  private final ExportProperties properties;
  private final ExportMetrics metrics;
  private final long intervalNanos;
  private long lastReport = System.nanoTime();
  private long lastRenewal = lastReport;
  private long bytesCounted;

  ProgressReporter(ExportJob job, String owner, ExportOutcomes outcomes, ExportProperties properties,
      ExportMetrics metrics) {
    this.job = job;
    this.owner = owner;
    this.outcomes = outcomes;
    this.properties = properties;
    this.metrics = metrics;
    this.intervalNanos = Math.min(properties.progressInterval().toNanos(), properties.lease().toNanos() / 3);
  }

  @Override
  public void photoWritten(long photosDone, long photosTotal, long bytesWritten) {
    metrics.photoWritten(bytesWritten - bytesCounted);
    bytesCounted = bytesWritten;
    long now = System.nanoTime();
    if (now - lastReport < intervalNanos && photosDone < photosTotal) {
      return;
    }
    lastReport = now;
    lastRenewal = now;
    if (!outcomes.progressed(job, owner, properties.lease(), photosDone, photosTotal, bytesWritten)) {
      throw new ClaimLost();
    }
  }

  @Override
  public void stillWorking() {
    long now = System.nanoTime();
    if (now - lastRenewal < intervalNanos) {
      return;
    }
    lastRenewal = now;
    if (!outcomes.renewed(job, owner, properties.lease())) {
      throw new ClaimLost();
    }
  }

  /** The export's lease ran out and another worker claimed it. */
  static final class ClaimLost extends RuntimeException {
    ClaimLost() {
      super(null, null, false, false);
    }
  }
}
