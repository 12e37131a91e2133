package app.photobomb.ops.cli.task;

import static app.photobomb.ops.common.events.MessageCatalog.DEPLOYMENT_ROLLBACK_REQUESTED;

import app.photobomb.ops.cli.Connection;
import app.photobomb.ops.cli.follow.FollowOptions;
import app.photobomb.ops.cli.follow.WaitDefaults;
import app.photobomb.ops.common.events.DeploymentRollbackRequested;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rollback [--revision REV] [--worker NAME...]}: runbook task 5, the platform-service's rollback saga. */
@Command(name = "rollback", mixinStandardHelpOptions = true, defaultValueProvider = WaitDefaults.class,
    description = {
        "Rolls the API (and workers) back to the previous release: runbook task 5, which this replaces:",
        "  gcloud run revisions list --service=photobomb-api --region=us-central1",
        "  gcloud run services update-traffic photobomb-api --to-revisions=photobomb-api-abc123=100",
        "  kubectl rollout undo deployment/thumbnail-worker -n photobomb",
        "  curl https://api.photobomb.app/healthz   # Monitor error logs for 15 minutes post-rollback",
        "Publishes DeploymentRollbackRequested: all traffic to the revision, the workers to their previous",
        "ReplicaSet, then health and error rate verified (a failed verification keeps the rollback).",
        "A dry run unless --confirm: the plan is printed, nothing changes."},
    footer = {"", "Ends on platform-operation-completed (exit 0), platform-operation-failed or -rolled-back",
        "(exit 1, the failing step and the reason). Progress: saga steps."})
public final class RollbackCommand implements Callable<Integer> {

  @Mixin
  Connection connection;

  @Mixin
  FollowOptions follow;

  @Mixin
  SagaOptions saga;

  @Option(names = "--revision", paramLabel = "REV",
      description = "the Cloud Run revision (default: the newest ready one before the one serving)")
  String revision;

  @Option(names = "--worker", paramLabel = "DEPLOYMENT", split = ",", arity = "1..*",
      description = "worker deployments to roll back too (kubectl rollout undo)")
  List<String> workers;

  @Option(names = "--verify-minutes", paramLabel = "N",
      description = "how long to watch health and error rate (default: the service's, 15)")
  Integer verifyMinutes;

  @Override
  public Integer call() {
    return follow.publish(connection, saga.request(DEPLOYMENT_ROLLBACK_REQUESTED, new DeploymentRollbackRequested(
        saga.operationId, revision, workers, verifyMinutes, saga.dryRun(), saga.confirm, saga.reason,
        follow.requestedBy())));
  }
}
