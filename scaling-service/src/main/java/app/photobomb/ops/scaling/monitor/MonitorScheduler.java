package app.photobomb.ops.scaling.monitor;

import app.photobomb.ops.common.jobs.PeriodicTasks;
import app.photobomb.ops.scaling.config.ScalingProperties;
import org.springframework.stereotype.Component;

/** Runs the backlog monitor every monitor interval (it does nothing on replicas that do not hold its lock). */
@Component
public class MonitorScheduler extends PeriodicTasks {

  public MonitorScheduler(BacklogMonitor monitor, ScalingProperties properties) {
    super("scaling-monitor");
    every(properties.monitorInterval(), "backlog monitor pass", monitor::runOnce);
  }
}
