package app.photobomb.ops.platform.saga;

import app.photobomb.ops.common.jobs.PeriodicTasks;
import app.photobomb.ops.platform.config.PlatformProperties;
import org.springframework.stereotype.Component;

/** Runs the sagas' due steps every runner interval, on every replica (rows are claimed with SKIP LOCKED). */
@Component
public class SagaScheduler extends PeriodicTasks {

  public SagaScheduler(SagaRunner runner, PlatformProperties properties) {
    super("platform-sagas");
    every(properties.runnerInterval(), "saga runner pass", runner::runDue);
  }
}
