package app.photobomb.ops.cdn.sender;

import app.photobomb.ops.cdn.config.CdnProperties.PlanLimits;
import java.time.Duration;
import java.time.Instant;

/**
 * The plan's buckets the sender keeps to: purge requests (the plan's rate and burst), the API's overall limit
 * (1,200 calls per 5 minutes) and the URL rate. A call goes only when all three have its tokens.
 */
final class PlanBuckets {

  private static final int API_CALLS = 1200;
  private static final double API_CALLS_PER_SECOND = API_CALLS / 300.0;

  private final TokenBucket requests;
  private final TokenBucket api;
  private final TokenBucket urls;

  PlanBuckets(PlanLimits limits, Instant now) {
    requests = new TokenBucket(limits.requestBurst(), limits.requestsPerSecond(), now);
    api = new TokenBucket(API_CALLS, API_CALLS_PER_SECOND, now);
    urls = new TokenBucket(limits.urlsPerSecond(), limits.urlsPerSecond(), now);
  }

  /** How long until a call of {@code weight} URLs may go (zero: now). */
  Duration wait(int weight, Instant now) {
    Duration wait = requests.wait(1, now);
    Duration apiWait = api.wait(1, now);
    Duration urlWait = urls.wait(weight, now);
    return max(wait, max(apiWait, urlWait));
  }

  void take(int weight, Instant now) {
    requests.take(1, now);
    api.take(1, now);
    urls.take(weight, now);
  }

  /** Cloudflare answered 429: its request bucket is empty, whatever this one counted. */
  void rateLimited(Instant now) {
    requests.drain(now);
  }

  /** Purge requests that could go at once now (the tokens-left gauge). */
  double requestTokens(Instant now) {
    return Math.min(requests.available(now), api.available(now));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
