package app.photobomb.ops.common.events;

import java.util.UUID;

/** Fact: the CDN accepted every purge call of a request. */
public record CachePurged(UUID purgeId, long urlCount, long requestCount)
    implements CdnMessage {
}
