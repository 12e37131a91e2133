package app.photobomb.ops.cdn.domain;

import java.util.List;
import java.util.UUID;

/**
 * A purge whose every call ended: purged, or failed with the reason and the targets its failed calls carried.
 *
 * @param requestCount the calls its targets shared with others
 */
public record FinishedPurge(UUID purgeId, boolean purged, boolean answered, int targetCount, int requestCount,
    String failureReason, List<String> failedTargets, List<String> purgedUrls, String correlationId,
    String causationId) {
}
