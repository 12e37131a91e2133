package app.photobomb.ops.cli.follow;

import app.photobomb.ops.cli.Connection;
import app.photobomb.ops.cli.DurationConverter;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options every task shares: how long to follow the command, whether at all, how to print, who asks. */
public final class FollowOptions {

  @Option(names = "--wait", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "how long to follow the command to its terminal event, then exit 3 (default: ${DEFAULT-VALUE})")
  Duration wait;

  @Option(names = "--no-wait", description = "exit 0 once the broker has the command, printing its correlation id")
  boolean noWait;

  @Option(names = "--json", description = "print every message of the conversation as one JSON line "
      + "(topic, type, ce_id, time, payload) and nothing else on standard output")
  boolean json;

  @Option(names = "--requested-by", paramLabel = "WHO", defaultValue = "${env:USER:-oncall}",
      description = "who asks, for the audit log (default: $USER, else oncall)")
  String requestedBy;

  @Spec(Spec.Target.MIXEE)
  CommandSpec task;

  public String requestedBy() {
    return requestedBy;
  }

  /** Publishes the task's command and follows it: the task's exit code. */
  public int publish(Connection connection, Request request) {
    return new Conversation(connection, this, task.commandLine().getOut(), task.commandLine().getErr())
        .run(request);
  }

  Duration waitOr(Duration fallback) {
    return wait != null ? wait : fallback;
  }
}
