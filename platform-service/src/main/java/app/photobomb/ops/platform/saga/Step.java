package app.photobomb.ops.platform.saga;

import java.time.Duration;

/**
 * One idempotent step of a saga. {@link #run} may be called again after a crash or a retry, so it checks what is
 * already done before acting, and stores what it started (an operation name, a revision) in the context's facts
 * before it waits for it.
 */
public interface Step {

  String name();

  /** The resource it acts on, as the plan shows it. */
  String resource();

  /** Destructive steps (overwriting, revoking, restarting) run only when the command says {@code confirm}. */
  default boolean destructive() {
    return false;
  }

  StepOutcome run(StepContext context) throws Exception;

  /** Whether {@link #undo} has an effect to reverse when a later step (or this one) fails. */
  default boolean undoable() {
    return false;
  }

  /** Reverses this step's effect; idempotent, and safe when the effect never happened. */
  default StepOutcome undo(StepContext context) throws Exception {
    return StepOutcome.done("nothing to undo");
  }

  /**
   * Whether a failure of this step leaves the earlier steps' effects in place instead of undoing them: for a check
   * whose failure says that undoing would make things worse (a rollback that does not verify must not route traffic
   * back to the release it left). The saga then ends failed, and the reason says what to do.
   */
  default boolean failureKeepsEffects() {
    return false;
  }

  /** How long the step may keep waiting before it counts as failed. */
  default Duration timeout() {
    return Duration.ofMinutes(30);
  }
}
