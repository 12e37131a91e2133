package app.photobomb.ops.cdn.sender;

import app.photobomb.ops.cdn.config.CdnProperties;
import app.photobomb.ops.common.jobs.PeriodicTasks;
import org.springframework.stereotype.Component;

/** Runs the purge sender every send interval (it does nothing on replicas that do not hold its lock). */
@Component
public class CdnScheduler extends PeriodicTasks {

  public CdnScheduler(PurgeSender sender, CdnProperties properties) {
    super("cdn-sender");
    every(properties.sendInterval(), "purge sender pass", sender::sendOnce);
  }
}
