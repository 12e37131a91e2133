package app.photobomb.ops.cdn.sender;

import app.photobomb.ops.cdn.config.CdnProperties;
import app.photobomb.ops.common.jobs.PeriodicTasks;
import org.springframework.stereotype.Component;

/**
 * Runs the coalescer and the purge sender every send interval, each on its own thread (both do nothing on replicas
 * that do not hold the sender's lock).
 */
@Component
public class CdnScheduler extends PeriodicTasks {

  public CdnScheduler(Coalescer coalescer, PurgeSender sender, CdnProperties properties) {
    super("cdn-sender");
    every(properties.sendInterval(), "coalescer pass", coalescer::coalesceOnce);
    every(properties.sendInterval(), "purge sender pass", sender::sendOnce);
  }
}
