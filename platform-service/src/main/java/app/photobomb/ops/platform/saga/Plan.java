package app.photobomb.ops.platform.saga;

import app.photobomb.ops.common.events.PlatformOperationPlanned.PlannedStep;
import java.time.Instant;
import java.util.List;

/**
 * The steps a command takes and when its changes start (null: at once): a saga that waits for a window still takes
 * its first steps at once (reading what it will change, so that an edit made meanwhile is detected) and waits in a
 * step. Built from the command and the configuration alone, so that the runner rebuilds the same steps at every pass.
 */
public record Plan(List<Step> steps, Instant startsAt) {

  public Plan {
    steps = List.copyOf(steps);
  }

  public Plan(List<Step> steps) {
    this(steps, null);
  }

  public boolean destructive() {
    return steps.stream().anyMatch(Step::destructive);
  }

  public List<PlannedStep> described() {
    return steps.stream().map(step -> new PlannedStep(step.name(), step.resource(), step.destructive())).toList();
  }
}
