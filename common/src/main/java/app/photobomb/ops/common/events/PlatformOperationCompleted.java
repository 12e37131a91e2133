package app.photobomb.ops.common.events;

import java.util.Map;
import java.util.UUID;

/**
 * Fact (terminal): a platform saga completed, or its dry run was planned.
 *
 * @param results what it left, by name (new instance, revision, secret versions, verification): never a secret value
 */
public record PlatformOperationCompleted(UUID operationId, String saga, boolean dryRun, String summary,
    Map<String, String> results) implements PlatformMessage {
}
