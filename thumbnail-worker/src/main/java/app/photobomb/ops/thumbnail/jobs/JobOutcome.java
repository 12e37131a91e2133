package app.photobomb.ops.thumbnail.jobs;

import java.util.Map;

/** What a job handler ends with: done (with the writes of its result) or failed (with a reason a person can act on). */
public sealed interface JobOutcome {

  /** Runs if the outcome is not committed, or when the job ends without its effects: removes what was written. */
  Runnable discard();

  /**
   * Done: {@code writes} run in the finishing transaction, before the job is marked done, and return its result;
   * {@code afterCommit} runs once that transaction committed with {@link Result#applied()}, else {@code discard}.
   */
  record Done(Writes writes, Runnable afterCommit, Runnable discard) implements JobOutcome {
  }

  /** Failed: the attempt ends with {@code reason} as the job's last_error; {@code discard} runs first. */
  record Failed(String reason, Runnable discard) implements JobOutcome {
  }

  /** The database writes of a done job, in the finishing transaction. */
  @FunctionalInterface
  interface Writes {
    Result write();
  }

  /** The job's result, and whether its writes took effect (not when the photo was deleted meanwhile). */
  record Result(Map<String, Object> result, boolean applied) {

    public static Result applied(Map<String, Object> result) {
      return new Result(result, true);
    }

    public static Result skipped(String why) {
      return new Result(Map.of("skipped", why), false);
    }
  }

  static Failed failed(String reason) {
    return new Failed(reason, () -> { });
  }

  static Done skipped(String why) {
    return new Done(() -> Result.skipped(why), () -> { }, () -> { });
  }
}
