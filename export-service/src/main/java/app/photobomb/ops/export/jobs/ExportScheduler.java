package app.photobomb.ops.export.jobs;

import app.photobomb.ops.common.jobs.PeriodicTasks;
import app.photobomb.ops.export.config.ExportProperties;
import org.springframework.stereotype.Component;

/**
 * Runs the workers ({@code workers} threads, each building one export at a time and looking for the next every
 * {@code poll-interval}) and the retention sweep. Stopping interrupts running builds: their uploads are
 * abandoned and their exports are taken over once their lease runs out.
 */
@Component
public class ExportScheduler extends PeriodicTasks {

  public ExportScheduler(ExportWorker worker, ExportRetention retention, ExportProperties properties) {
    super("export");
    for (int i = 0; i < properties.workers(); i++) {
      every(properties.pollInterval(), "export worker", () -> {
        while (!Thread.currentThread().isInterrupted() && worker.runOnce()) {
          // one export after another while there are any
        }
      });
    }
    every(properties.retentionInterval(), "retention sweep", retention::sweep);
  }
}
