package app.photobomb.ops.platform.saga;

import java.time.Duration;

/** What one run of a step came to: done, not yet (run it again later), or failed for good. */
public sealed interface StepOutcome {

  static StepOutcome done(String detail) {
    return new Done(detail);
  }

  static StepOutcome waitFor(Duration delay, String detail) {
    return new Wait(delay, detail);
  }

  static StepOutcome fail(String reason) {
    return new Fail(reason);
  }

  /** The step's effect is in place; {@code detail} names it (never a secret value). */
  record Done(String detail) implements StepOutcome {
  }

  /** Started or still going (its facts stored): run the step again after {@code delay}. */
  record Wait(Duration delay, String detail) implements StepOutcome {
  }

  /** Failed in a way a retry does not mend; {@code reason} says what a person can do. */
  record Fail(String reason) implements StepOutcome {
  }
}
