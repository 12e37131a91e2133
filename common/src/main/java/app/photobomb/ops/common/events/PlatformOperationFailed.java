package app.photobomb.ops.common.events;

import java.util.UUID;

/**
 * Fact (terminal): a platform saga stopped at a step and nothing was left to undo, or undoing failed too.
 *
 * @param failedStep the step that failed ({@code plan} for a command refused before any step)
 * @param reason what went wrong and what a person can do about it
 */
public record PlatformOperationFailed(UUID operationId, String saga, String failedStep, String reason)
    implements PlatformMessage {
}
