package app.photobomb.ops.cli.task;

import static app.photobomb.ops.common.events.MessageCatalog.SECRET_ROTATION_REQUESTED;

import app.photobomb.ops.cli.Connection;
import app.photobomb.ops.cli.follow.FollowOptions;
import app.photobomb.ops.cli.follow.WaitDefaults;
import app.photobomb.ops.common.events.SecretRotationRequested;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rotate-secrets [--secret NAME...]}: runbook task 2, the platform-service's rotation saga. */
@Command(name = "rotate-secrets", mixinStandardHelpOptions = true, defaultValueProvider = WaitDefaults.class,
    description = {
        "Rotates the platform's secrets with no downtime: runbook task 2, which this replaces:",
        "  gcloud sql users set-password photobomb_app --instance=photobomb-prod-db --password=$NEW_DB_PASSWORD",
        "  echo -n $NEW_DB_PASSWORD | gcloud secrets versions add database-password --data-file=-",
        "  gcloud run services update photobomb-api --update-secrets=DATABASE_PASSWORD=database-password:latest,...",
        "  kubectl rollout restart deployment/thumbnail-worker -n photobomb",
        "  # Revoke old B2 key: create new key -> update K8s secret -> delete old key",
        "Publishes SecretRotationRequested: the idle database user gets the new password and becomes live, new",
        "versions are pinned in a new API revision, workers restart, old keys are revoked only after verification.",
        "A dry run unless --confirm: the plan is printed, nothing changes."},
    footer = {"", "Ends on platform-operation-completed (exit 0), platform-operation-failed or -rolled-back",
        "(exit 1, the failing step and the reason). Progress: saga steps. No secret value is ever printed."})
public final class RotateSecretsCommand implements Callable<Integer> {

  /** The secrets the rotation knows. */
  enum Secret {
    database, jwt, b2, cloudflare
  }

  @Mixin
  Connection connection;

  @Mixin
  FollowOptions follow;

  @Mixin
  SagaOptions saga;

  @Option(names = "--secret", paramLabel = "NAME", split = ",", arity = "1..*",
      description = "which to rotate, of ${COMPLETION-CANDIDATES} (default: all four)")
  List<Secret> secrets;

  @Override
  public Integer call() {
    List<String> names = secrets == null ? null : secrets.stream().map(Secret::name).distinct().toList();
    return follow.publish(connection, saga.request(SECRET_ROTATION_REQUESTED, new SecretRotationRequested(
        saga.operationId, names, saga.dryRun(), saga.confirm, saga.reason, follow.requestedBy())));
  }
}
