package app.photobomb.ops.platform.saga;

import java.time.Instant;
import java.util.HashMap;
import java.util.UUID;

/** Step contexts for tests that run one step by itself, outside the saga runner. */
public final class StepContexts {

  private StepContexts() {
  }

  /** A new operation's context, with no facts yet. */
  public static StepContext fresh() {
    Instant now = Instant.now();
    return new StepContext(UUID.randomUUID(), now, now, new HashMap<>());
  }
}
