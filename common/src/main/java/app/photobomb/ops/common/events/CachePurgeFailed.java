package app.photobomb.ops.common.events;

import java.util.List;
import java.util.UUID;

/** Fact: a purge could not be carried out; reason says why, urls lists what was not purged. */
public record CachePurgeFailed(UUID purgeId, String reason, List<String> urls)
    implements CdnMessage {
}
