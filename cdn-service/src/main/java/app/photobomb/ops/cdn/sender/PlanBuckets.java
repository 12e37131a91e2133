package app.photobomb.ops.cdn.sender;

import app.photobomb.ops.cdn.config.CdnProperties.PlanLimits;
import app.photobomb.ops.cdn.domain.PurgeCall;
import app.photobomb.ops.cdn.domain.PurgeTarget;
import java.time.Duration;
import java.time.Instant;

/**
 * The plan's buckets the sender keeps to, as Cloudflare counts them: a purge by URL spends the URL rate, a purge by
 * prefix or of everything the request bucket (the plan's rate and burst); every call spends the API's overall limit
 * (1,200 calls per 5 minutes). A call goes only when its buckets have its tokens, refilled a little slower than
 * Cloudflare's.
 */
final class PlanBuckets {

  private static final int API_CALLS = 1200;
  private static final double API_CALLS_PER_SECOND = API_CALLS / 300.0;
  /**
   * The share of each refill rate the sender spends. Cloudflare takes a call's tokens when the call arrives, this
   * bucket when it leaves: a call delayed on its way and the next one not make Cloudflare see them closer together
   * than they went, so a sender spending its buckets to the token is sometimes 429'd (the benchmark saw 2 in 1,001
   * calls). At 95 % Cloudflare's buckets gain on these while the sender runs at its bound.
   */
  static final double HEADROOM = 0.95;

  private final TokenBucket requests;
  private final TokenBucket api;
  private final TokenBucket urls;

  PlanBuckets(PlanLimits limits, Instant now) {
    requests = new TokenBucket(limits.requestBurst(), limits.requestsPerSecond() * HEADROOM, now);
    api = new TokenBucket(API_CALLS, API_CALLS_PER_SECOND * HEADROOM, now);
    urls = new TokenBucket(limits.urlsPerSecond(), limits.urlsPerSecond() * HEADROOM, now);
  }

  /** How long until the call may go (zero: now). */
  Duration wait(PurgeCall call, Instant now) {
    Duration own = byUrl(call) ? urls.wait(call.weight(), now) : requests.wait(1, now);
    return max(own, api.wait(1, now));
  }

  void take(PurgeCall call, Instant now) {
    if (byUrl(call)) {
      urls.take(call.weight(), now);
    } else {
      requests.take(1, now);
    }
    api.take(1, now);
  }

  private static boolean byUrl(PurgeCall call) {
    return PurgeTarget.FILES.equals(call.kind());
  }

  /** Cloudflare answered 429: its bucket for the call is empty, whatever this one counted. */
  void rateLimited(PurgeCall call, Instant now) {
    (byUrl(call) ? urls : requests).drain(now);
  }

  /** Calls that could go at once now by the overall limit, and by prefix or everything (the tokens-left gauge). */
  double requestTokens(Instant now) {
    return Math.min(requests.available(now), api.available(now));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
