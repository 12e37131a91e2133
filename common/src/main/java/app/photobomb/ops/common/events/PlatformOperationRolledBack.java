package app.photobomb.ops.common.events;

import java.util.List;
import java.util.UUID;

/** Fact (terminal): a platform saga failed at a step and the steps before it were undone, newest first. */
public record PlatformOperationRolledBack(UUID operationId, String saga, String failedStep, String reason,
    List<String> compensatedSteps) implements PlatformMessage {
}
