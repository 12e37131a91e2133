package app.photobomb.ops.common.events;

import java.util.UUID;

/**
 * Command: give the database more capacity (runbook task 6). The resize restarts the instance, so it waits for the
 * next maintenance window unless {@code now}.
 *
 * @param tier the new machine tier, e.g. db-custom-8-32768; null: keep the tier
 * @param maxConnections the new {@code max_connections} flag; null: keep it
 */
public record DatabaseResizeRequested(UUID operationId, String instance, String tier, Integer maxConnections,
    boolean now, boolean dryRun, boolean confirm, String reason, String requestedBy) implements PlatformCommand {
}
