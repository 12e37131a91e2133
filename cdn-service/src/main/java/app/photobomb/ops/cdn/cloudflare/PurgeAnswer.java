package app.photobomb.ops.cdn.cloudflare;

import java.time.Duration;

/** What Cloudflare answered one purge call. */
public sealed interface PurgeAnswer {

  /** 200 with {@code success: true}. */
  record Purged() implements PurgeAnswer {
  }

  /** 429: try again after {@code retryAfter} (its Retry-After header, or a second). */
  record RateLimited(Duration retryAfter) implements PurgeAnswer {
  }

  /** 5xx or no answer: worth retrying with backoff. */
  record Unavailable(String reason) implements PurgeAnswer {
  }

  /** Any other 4xx, or {@code success: false}: retrying will not help; the reason carries Cloudflare's errors. */
  record Rejected(String reason) implements PurgeAnswer {
  }
}
