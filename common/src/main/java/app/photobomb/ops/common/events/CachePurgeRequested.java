package app.photobomb.ops.common.events;

import java.util.List;
import java.util.UUID;

/**
 * Command: purge CDN cache entries by URL or by photo id (every thumbnail size), or everything
 * ({@code purgeEverything} also needs {@code confirm}). {@code purgeId} names the purge; when absent the
 * message's ce_id does.
 */
public record CachePurgeRequested(UUID purgeId, List<String> urls, List<UUID> photoIds, boolean purgeEverything,
    boolean confirm, String requestedBy) implements CdnMessage {
}
