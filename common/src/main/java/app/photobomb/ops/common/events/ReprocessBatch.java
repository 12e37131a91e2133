package app.photobomb.ops.common.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Command: queue reprocessing jobs for photos processed before a date, or for given users or photos. */
public record ReprocessBatch(UUID batchId, String jobType, Instant processedBefore, List<UUID> userIds,
    List<UUID> photoIds, Integer priority, String requestedBy) implements ReprocessMessage {
}
