package app.photobomb.ops.cli.task;

import static app.photobomb.ops.common.events.MessageCatalog.SCALE_WORKERS_REQUESTED;
import static app.photobomb.ops.common.events.MessageCatalog.SCALING_FAILED;
import static app.photobomb.ops.common.events.MessageCatalog.WORKERS_SCALED;

import app.photobomb.ops.cli.Connection;
import app.photobomb.ops.cli.DurationConverter;
import app.photobomb.ops.cli.follow.Answer;
import app.photobomb.ops.cli.follow.FollowOptions;
import app.photobomb.ops.cli.follow.Reply;
import app.photobomb.ops.cli.follow.Request;
import app.photobomb.ops.cli.follow.WaitDefaults;
import app.photobomb.ops.common.events.ScaleWorkersRequested;
import app.photobomb.ops.common.events.WorkersScaled;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scale DEPLOYMENT REPLICAS [--hold DURATION] --reason TEXT}: runbook task 3, manual scaling. */
@Command(name = "scale", mixinStandardHelpOptions = true, defaultValueProvider = WaitDefaults.class,
    description = {
        "Scales a worker deployment: runbook task 3 (and task 10, steps 2 and 4), which this replaces:",
        "  kubectl scale deployment thumbnail-worker --replicas=20 -n photobomb",
        "Publishes ScaleWorkersRequested; the scaling-service sets the replicas (or the HPA's minimum) and holds",
        "its automatic policy off for --hold (default: its own setting, 30 min)."},
    footer = {"", "Ends on workers-scaled (exit 0) or scaling-failed (exit 1: not_found, forbidden, above_max, ...);",
        "a workers-scaled below the replicas asked waits a moment for the scaling-failed that says why."})
public final class ScaleCommand implements Callable<Integer> {

  @Mixin
  Connection connection;

  @Mixin
  FollowOptions follow;

  @Parameters(index = "0", paramLabel = "DEPLOYMENT", description = "the worker deployment, e.g. thumbnail-worker")
  String deployment;

  @Parameters(index = "1", paramLabel = "REPLICAS", description = "the replicas wanted")
  int replicas;

  @Option(names = "--namespace", defaultValue = "photobomb", description = "default: ${DEFAULT-VALUE}")
  String namespace;

  @Option(names = "--hold", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "how long this wins over the automatic policy (0s: not at all)")
  Duration hold;

  @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "why (audited)")
  String reason;

  @Override
  public Integer call() {
    return follow.publish(connection, Request.of(SCALE_WORKERS_REQUESTED,
        new ScaleWorkersRequested(deployment, namespace, replicas, reason, follow.requestedBy(),
            hold == null ? null : hold.toSeconds()),
        Reply.on(WORKERS_SCALED, this::scaled),
        Reply.on(SCALING_FAILED, f -> Answer.failed(f.namespace() + "/" + f.deployment() + " not scaled as asked: "
            + f.reason()))));
  }

  private Answer scaled(WorkersScaled scaled) {
    String words = scaled.namespace() + "/" + scaled.deployment() + " scaled from " + scaled.fromReplicas() + " to "
        + scaled.toReplicas() + " replicas (" + scaled.reason() + ")";
    return scaled.toReplicas() == replicas ? Answer.completed(words)
        : new Answer(Answer.Outcome.COMPLETED_UNLESS_FAILURE_FOLLOWS, words + ", not the " + replicas + " asked",
            null);
  }
}
