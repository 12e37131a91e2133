package app.photobomb.ops.cdn.domain;

import app.photobomb.ops.cdn.config.CdnProperties;
import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.events.CachePurgeFailed;
import app.photobomb.ops.common.events.CachePurgeRequested;
import app.photobomb.ops.common.events.ThumbnailsRegenerated;
import app.photobomb.ops.common.messaging.HandlingContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The rules of asking for a purge (runbook task 7): photo ids become their thumbnails' URLs (or one prefix each),
 * URLs must be of the CDN's host, purging everything needs confirmation, an allowed operator and the least interval
 * since the last. A valid request is only recorded here; the sender purges it. Runs inside the handler's transaction.
 */
@Service
public class PurgeRequests {

  private static final Logger log = LoggerFactory.getLogger(PurgeRequests.class);

  private final Purges purges;
  private final AuditLog audit;
  private final CdnProperties properties;
  private final Clock clock;

  public PurgeRequests(Purges purges, AuditLog audit, CdnProperties properties, Clock clock) {
    this.purges = purges;
    this.audit = audit;
    this.properties = properties;
    this.clock = clock;
  }

  public void request(CachePurgeRequested command, HandlingContext context) {
    UUID purgeId = command.purgeId() != null ? command.purgeId() : idOf(context, "cache-purge-requested");
    List<String> urls = command.urls() == null ? List.of() : command.urls();
    List<UUID> photoIds = command.photoIds() == null ? List.of() : command.photoIds();
    List<PurgeTarget> targets = command.purgeEverything() ? List.of(PurgeTarget.everything())
        : targets(urls, photoIds);
    Optional<String> refusal = command.purgeEverything() ? refuseEverything(command) : invalid(urls, photoIds);
    boolean recorded = purges.insert(purgeId, command.requestedBy(), true, refusal.isPresent() ? List.of() : targets,
        refusal.orElse(null), context.envelope().correlationId(), context.envelope().id());
    if (!recorded) {
      log.info("purge {} was asked for again; it is known already and is answered once", purgeId);
      return;
    }
    if (refusal.isPresent()) {
      log.warn("purge {} by {} refused: {}", purgeId, command.requestedBy(), refusal.get());
      context.emit(new CachePurgeFailed(purgeId, refusal.get(), urls.isEmpty() ? null : urls));
      return;
    }
    if (command.purgeEverything()) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("purge_id", purgeId.toString());
      details.put("message_id", context.envelope().id());
      audit.record(null, "cdn_purge_everything", command.requestedBy(), details);
      log.warn("purge of everything {} by {} recorded: the whole zone's cache goes", purgeId, command.requestedBy());
      return;
    }
    log.info("purge {} by {}: {} targets recorded", purgeId, command.requestedBy(), targets.size());
  }

  /** A reprocessed photo's old thumbnails go from the cache; nobody waits for an answer. */
  public void thumbnailsRegenerated(ThumbnailsRegenerated event, HandlingContext context) {
    if (event.sizes() == null || event.sizes().isEmpty()) {
      log.debug("photo {}: thumbnails-regenerated names no size, nothing to purge", event.photoId());
      return;
    }
    List<PurgeTarget> targets = properties.prefixPurge() ? List.of(prefix(event.photoId()))
        : event.sizes().stream().map(size -> file(event.photoId(), size)).toList();
    purges.insert(idOf(context, "thumbnails-regenerated"), "thumbnails-regenerated", false, targets, null,
        context.envelope().correlationId(), context.envelope().id());
  }

  private List<PurgeTarget> targets(List<String> urls, List<UUID> photoIds) {
    List<PurgeTarget> targets = new ArrayList<>(urls.stream().distinct().map(u -> new PurgeTarget(PurgeTarget.FILES, u))
        .toList());
    for (UUID photoId : photoIds.stream().distinct().toList()) {
      if (properties.prefixPurge()) {
        targets.add(prefix(photoId));
      } else {
        properties.thumbnailSizes().forEach(size -> targets.add(file(photoId, size)));
      }
    }
    return targets.stream().distinct().toList();
  }

  private PurgeTarget file(UUID photoId, int size) {
    return new PurgeTarget(PurgeTarget.FILES, properties.baseUrl() + "/thumb/" + photoId + "/" + size + ".webp");
  }

  private PurgeTarget prefix(UUID photoId) {
    return new PurgeTarget(PurgeTarget.PREFIXES, properties.host() + "/thumb/" + photoId + "/");
  }

  private Optional<String> invalid(List<String> urls, List<UUID> photoIds) {
    if (urls.isEmpty() && photoIds.isEmpty()) {
      return Optional.of("invalid_request: no urls and no photoIds (and purgeEverything is false): nothing to purge");
    }
    if (urls.size() + photoIds.size() > properties.maxTargetsPerRequest()) {
      return Optional.of("invalid_request: " + (urls.size() + photoIds.size()) + " urls and photoIds, more than the "
          + properties.maxTargetsPerRequest() + " one request may carry (PHOTOBOMB_CDN_MAX_TARGETS_PER_REQUEST)");
    }
    for (String url : urls) {
      if (!ofZone(url)) {
        return Optional.of("invalid_request: " + url + " is not a URL of the CDN's host " + properties.host()
            + " (PHOTOBOMB_CDN_BASE_URL), so purging it there would do nothing");
      }
    }
    return Optional.empty();
  }

  private boolean ofZone(String url) {
    try {
      URI uri = URI.create(url);
      return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && properties.host().equalsIgnoreCase(uri.getHost());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private Optional<String> refuseEverything(CachePurgeRequested command) {
    if (!command.confirm()) {
      return Optional.of("confirmation_required: purgeEverything empties the whole zone's cache; send it again with "
          + "confirm: true");
    }
    if (!properties.purgeEverythingOperators().contains(command.requestedBy())) {
      return Optional.of("not_allowed: " + command.requestedBy() + " may not purge everything "
          + "(PHOTOBOMB_CDN_PURGE_EVERYTHING_OPERATORS)");
    }
    Optional<Instant> last = purges.lastPurgeOfEverything();
    if (last.isPresent() && last.get().plus(properties.purgeEverythingInterval()).isAfter(clock.instant())) {
      return Optional.of("too_soon: everything was purged at " + last.get() + "; the next purge of everything is "
          + "allowed from " + last.get().plus(properties.purgeEverythingInterval())
          + " (PHOTOBOMB_CDN_PURGE_EVERYTHING_INTERVAL)");
    }
    return Optional.empty();
  }

  /** A purge id from the message id, for messages that carry none (the same message gives the same id). */
  private static UUID idOf(HandlingContext context, String type) {
    return UUID.nameUUIDFromBytes((type + ":" + context.envelope().id()).getBytes(StandardCharsets.UTF_8));
  }
}
