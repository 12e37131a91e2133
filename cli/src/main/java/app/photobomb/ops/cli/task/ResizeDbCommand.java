package app.photobomb.ops.cli.task;

import static app.photobomb.ops.common.events.MessageCatalog.DATABASE_RESIZE_REQUESTED;

import app.photobomb.ops.cli.Connection;
import app.photobomb.ops.cli.ExitCode;
import app.photobomb.ops.cli.follow.FollowOptions;
import app.photobomb.ops.cli.follow.WaitDefaults;
import app.photobomb.ops.common.events.DatabaseResizeRequested;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code resize-db [--tier TIER] [--max-connections N] [--now]}: runbook task 6, the resize saga. */
@Command(name = "resize-db", mixinStandardHelpOptions = true, defaultValueProvider = WaitDefaults.class,
    description = {
        "Gives the database more capacity: runbook task 6, which this replaces:",
        "  gcloud sql instances patch photobomb-prod-db --tier=db-custom-8-32768  # 8 vCPU, 32 GB RAM",
        "  gcloud sql instances patch photobomb-prod-db --database-flags=max_connections=400",
        "  gcloud sql operations list --instance=photobomb-prod-db",
        "Publishes DatabaseResizeRequested: one patch of tier and flags, then max_connections verified. The resize",
        "restarts the instance (~5 min), so it waits for the maintenance window unless --now; the plan gives the",
        "monthly cost before and after. A dry run unless --confirm: the plan is printed, nothing changes."},
    footer = {"", "Ends on platform-operation-completed (exit 0), platform-operation-failed or -rolled-back",
        "(exit 1, the failing step and the reason). Progress: saga steps."})
public final class ResizeDbCommand implements Callable<Integer> {

  @Mixin
  Connection connection;

  @Mixin
  FollowOptions follow;

  @Mixin
  SagaOptions saga;

  @Option(names = "--instance", defaultValue = "photobomb-prod-db", description = "default: ${DEFAULT-VALUE}")
  String instance;

  @Option(names = "--tier", paramLabel = "TIER", description = "the new machine tier, e.g. db-custom-8-32768")
  String tier;

  @Option(names = "--max-connections", paramLabel = "N", description = "the new max_connections flag")
  Integer maxConnections;

  @Option(names = "--now", description = "resize at once instead of in the next maintenance window "
      + "(2nd Sunday of the month, 02:00-04:00 PST)")
  boolean now;

  @Override
  public Integer call() {
    if (tier == null && maxConnections == null) {
      throw new ExitCode.BadInputException("name the new capacity: --tier TIER and/or --max-connections N");
    }
    return follow.publish(connection, saga.request(DATABASE_RESIZE_REQUESTED, new DatabaseResizeRequested(
        saga.operationId, instance, tier, maxConnections, now, saga.dryRun(), saga.confirm, saga.reason,
        follow.requestedBy())));
  }
}
