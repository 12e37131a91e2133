package app.photobomb.ops.testsupport.cloudflare;

import java.util.Locale;

/**
 * Cloudflare's purge limits of one plan, per account (developers.cloudflare.com, cache / purge-cache, 2026): purges
 * by URL spend a URL rate (a moving average, here a bucket of one second's URLs); purges by prefix, host, tag and of
 * everything spend a request bucket; every call also spends the API's overall 1,200 calls per 5 minutes.
 *
 * @param name the plan's name (free, pro, business, enterprise)
 * @param requestsPerSecond the request bucket's refill rate
 * @param requestBurst the request bucket's size
 * @param urlsPerSecond the URL rate of purges by URL
 * @param urlsPerRequest most URLs one purge by URL may carry
 * @param prefixesPerRequest most prefixes one purge by prefix may carry
 */
public record CloudflarePlanLimits(String name, double requestsPerSecond, int requestBurst, double urlsPerSecond,
    int urlsPerRequest, int prefixesPerRequest) {

  public static final CloudflarePlanLimits FREE = new CloudflarePlanLimits("free", 5.0 / 60, 25, 800, 100, 100);
  public static final CloudflarePlanLimits PRO = new CloudflarePlanLimits("pro", 5, 25, 1500, 100, 100);
  public static final CloudflarePlanLimits BUSINESS = new CloudflarePlanLimits("business", 10, 50, 1500, 100, 100);
  public static final CloudflarePlanLimits ENTERPRISE =
      new CloudflarePlanLimits("enterprise", 50, 500, 3000, 500, 100);

  /** The API's overall limit: 1,200 calls per 5 minutes, whatever the plan. */
  public static final int API_CALLS_PER_FIVE_MINUTES = 1200;

  /** The plan of that name, as the cdn-service's {@code photobomb.cdn.plan} names it (any case). */
  public static CloudflarePlanLimits named(String plan) {
    return switch (plan.trim().toLowerCase(Locale.ROOT)) {
      case "free" -> FREE;
      case "pro" -> PRO;
      case "business" -> BUSINESS;
      case "enterprise" -> ENTERPRISE;
      default -> throw new IllegalArgumentException("unknown Cloudflare plan '" + plan
          + "' (free, pro, business or enterprise)");
    };
  }
}
