package app.photobomb.ops.common.events;

import java.util.UUID;

/**
 * Fact: one step of a platform saga finished ({@code done}) or was undone ({@code compensated}).
 *
 * @param stepNumber 1-based position of the step in the plan
 */
public record PlatformOperationProgressed(UUID operationId, String saga, String step, int stepNumber, int stepCount,
    String status, String detail) implements PlatformMessage {
}
