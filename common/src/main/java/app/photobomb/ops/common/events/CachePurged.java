package app.photobomb.ops.common.events;

import java.util.UUID;

/**
 * Fact: the CDN accepted every purge call of a request.
 *
 * @param requestCount the purge calls its URLs took (shared with other requests' URLs)
 * @param checkedUrls how many of its URLs were fetched with HEAD afterwards (the runbook's validation); null: none
 * @param checkedMisses how many of those answered {@code cf-cache-status} MISS or EXPIRED
 */
public record CachePurged(UUID purgeId, long urlCount, long requestCount, Integer checkedUrls, Integer checkedMisses)
    implements CdnMessage {

  /** A purge not checked afterwards. */
  public CachePurged(UUID purgeId, long urlCount, long requestCount) {
    this(purgeId, urlCount, requestCount, null, null);
  }
}
