package app.photobomb.ops.cdn.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the cdn-service ({@code photobomb.cdn.*}), each overridable by environment variable, e.g.
 * {@code PHOTOBOMB_CDN_PLAN=business}.
 *
 * @param baseUrl where thumbnails are served: a photo's are {@code <baseUrl>/thumb/<photoId>/<size>.webp}
 * @param thumbnailSizes the sizes a photo id stands for
 * @param prefixPurge purge a photo by one prefix ({@code <host>/thumb/<photoId>/}) instead of a URL per size
 * @param coalesceWindow how long targets wait for others to share their calls
 * @param plan the Cloudflare plan whose limits the sender keeps to
 * @param limits overrides of the plan's limits (0: the plan's)
 * @param maxAttempts calls of one chunk answered 5xx or not at all before its purges fail
 * @param retryBackoff the first wait after such an answer (doubling, at most {@code maxRetryBackoff})
 * @param maxRetryBackoff the longest wait between two attempts
 * @param maxTargetsPerRequest most URLs and photo ids one cache-purge-requested may carry
 * @param purgeEverythingOperators who may purge everything (with {@code confirm: true})
 * @param purgeEverythingInterval least time between two purges of everything
 * @param sendInterval how often the sender looks for due calls
 * @param senderLockKey the PostgreSQL advisory lock key that elects the one sending replica
 * @param validationSample URLs of a purge checked with HEAD afterwards (cf-cache-status); 0: none
 * @param cloudflare where and how the Cloudflare API is called
 */
@ConfigurationProperties("photobomb.cdn")
public record CdnProperties(
    @DefaultValue("https://cdn.photobomb.app") URI baseUrl,
    @DefaultValue({"256", "512", "1024"}) List<Integer> thumbnailSizes,
    @DefaultValue("false") boolean prefixPurge,
    @DefaultValue("1s") Duration coalesceWindow,
    @DefaultValue("pro") CloudflarePlan plan,
    @DefaultValue PlanLimits limits,
    @DefaultValue("5") int maxAttempts,
    @DefaultValue("1s") Duration retryBackoff,
    @DefaultValue("60s") Duration maxRetryBackoff,
    @DefaultValue("10000") int maxTargetsPerRequest,
    @DefaultValue("") List<String> purgeEverythingOperators,
    @DefaultValue("1h") Duration purgeEverythingInterval,
    @DefaultValue("100ms") Duration sendInterval,
    @DefaultValue("7313001") long senderLockKey,
    @DefaultValue("0") int validationSample,
    @DefaultValue Cloudflare cloudflare) {

  public CdnProperties {
    purgeEverythingOperators = purgeEverythingOperators == null ? List.of()
        : purgeEverythingOperators.stream().filter(o -> !o.isBlank()).toList();
    if (maxAttempts < 1 || maxTargetsPerRequest < 1) {
      throw new IllegalArgumentException("photobomb.cdn.max-attempts and max-targets-per-request are at least 1");
    }
  }

  /** The limits the sender keeps to: the plan's, each overridable. */
  public PlanLimits effectiveLimits() {
    return limits.over(plan.limits());
  }

  /** The host the thumbnails are served from, for the zone check of URLs. */
  public String host() {
    return baseUrl.getHost();
  }

  /**
   * Cloudflare's purge limits (a token bucket per account for requests, a rate for URLs, items per request); the
 * API's overall limit (1,200 calls per 5 minutes) is kept besides.
   *
   * @param requestsPerSecond the request bucket's refill rate
   * @param requestBurst the request bucket's size
   * @param urlsPerSecond the URL rate
   * @param urlsPerRequest most URLs (or prefixes) one call may carry
   */
  public record PlanLimits(@DefaultValue("0") double requestsPerSecond, @DefaultValue("0") int requestBurst,
      @DefaultValue("0") double urlsPerSecond, @DefaultValue("0") int urlsPerRequest) {

    PlanLimits over(PlanLimits plan) {
      return new PlanLimits(requestsPerSecond > 0 ? requestsPerSecond : plan.requestsPerSecond(),
          requestBurst > 0 ? requestBurst : plan.requestBurst(), urlsPerSecond > 0 ? urlsPerSecond : plan.urlsPerSecond(),
          urlsPerRequest > 0 ? urlsPerRequest : plan.urlsPerRequest());
    }
  }

  /**
   * The Cloudflare API.
   *
   * @param apiUrl the API's base URL
   * @param apiToken a token with the zone's Cache Purge permission ({@code CLOUDFLARE_API_TOKEN}); never logged
   * @param zoneId the zone of {@code baseUrl}'s host ({@code CLOUDFLARE_ZONE_ID})
   * @param requestTimeout how long one call may take
   */
  public record Cloudflare(@DefaultValue("https://api.cloudflare.com/client/v4") URI apiUrl,
      @DefaultValue("") String apiToken, @DefaultValue("") String zoneId,
      @DefaultValue("10s") Duration requestTimeout) {

    @Override
    public String toString() {
      return "Cloudflare[apiUrl=" + apiUrl + ", zoneId=" + zoneId + ", apiToken=(hidden)]";
    }
  }
}
