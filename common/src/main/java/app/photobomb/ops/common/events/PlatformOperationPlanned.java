package app.photobomb.ops.common.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Fact: a platform command was planned: the steps it takes against which resources. With {@code dryRun} nothing
 * else happens but the terminal event.
 *
 * @param notes what a person should know before confirming: costs, downtime, what is kept for a rollback
 * @param startsAt when the first step runs (a maintenance window), null: at once
 */
public record PlatformOperationPlanned(UUID operationId, String saga, boolean dryRun, List<PlannedStep> steps,
    List<String> notes, Instant startsAt) implements PlatformMessage {

  /** One step of a plan; {@code destructive} steps need the command's {@code confirm}. */
  public record PlannedStep(String name, String resource, boolean destructive) {
  }
}
