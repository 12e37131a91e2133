package app.photobomb.ops.common.events;

import java.util.UUID;

/** Messages of CDN cache purges; keyed by purge id (or "cdn" when a publisher gave none). */
public sealed interface CdnMessage extends PhotobombMessage
    permits CachePurgeRequested, CachePurged, CachePurgeFailed {

  UUID purgeId();

  @Override
  default String key() {
    return purgeId() == null ? "cdn" : purgeId().toString();
  }
}
