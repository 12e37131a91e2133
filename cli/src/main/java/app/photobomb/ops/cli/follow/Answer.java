package app.photobomb.ops.cli.follow;

/**
 * What one answering event means for the command: still working, done, or failed, in words, with how far the work
 * has come when the event says so.
 *
 * @param progress null when the event says nothing about how much is done
 */
public record Answer(Outcome outcome, String words, Progress progress) {

  /** Whether the conversation goes on, and if not, how it ended. */
  public enum Outcome {
    /** Not the end: the service keeps working. */
    WORKING,
    /** The end: the task completed. */
    COMPLETED,
    /**
     * Completed, unless a failure event of the same transaction follows within a moment (it travels on another
     * topic, so it may come second).
     */
    COMPLETED_UNLESS_FAILURE_FOLLOWS,
    /** The end: the task failed or was rolled back; the words give the reason. */
    FAILED
  }

  /** How much of the work is done: photos exported, jobs ended, saga steps. */
  public record Progress(long done, long total, String unit) {
  }

  public static Answer working(String words) {
    return new Answer(Outcome.WORKING, words, null);
  }

  public static Answer working(String words, long done, long total, String unit) {
    return new Answer(Outcome.WORKING, words, new Progress(done, total, unit));
  }

  public static Answer completed(String words) {
    return new Answer(Outcome.COMPLETED, words, null);
  }

  public static Answer failed(String words) {
    return new Answer(Outcome.FAILED, words, null);
  }

  public boolean ends() {
    return outcome != Outcome.WORKING;
  }
}
