package app.photobomb.ops.cdn.domain;

import java.util.List;

/** A Cloudflare call to make: its kind, its targets (deduplicated, at most the plan's per call) and attempts so far. */
public record PurgeCall(long callId, String kind, List<String> targets, int attempts) {

  /** How many URLs (or prefixes) the call spends of the plan's URL rate. */
  public int weight() {
    return PurgeTarget.EVERYTHING.equals(kind) ? 1 : targets.size();
  }
}
