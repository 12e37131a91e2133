package app.photobomb.ops.cli.task;

import static app.photobomb.ops.common.events.MessageCatalog.BACKUP_RESTORE_REQUESTED;

import app.photobomb.ops.cli.Connection;
import app.photobomb.ops.cli.follow.FollowOptions;
import app.photobomb.ops.cli.follow.WaitDefaults;
import app.photobomb.ops.common.events.BackupRestoreRequested;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code restore [--backup-id ID] [--in-place]}: runbook task 1, the platform-service's restore saga. */
@Command(name = "restore", mixinStandardHelpOptions = true, defaultValueProvider = WaitDefaults.class,
    description = {
        "Restores the database from a backup: runbook task 1, which this replaces:",
        "  gcloud run services update photobomb-api --region=us-central1 --no-traffic",
        "  gcloud sql backups list --instance=photobomb-prod-db",
        "  gcloud sql backups restore BACKUP_ID --backup-instance=photobomb-prod-db --backup-id=BACKUP_ID",
        "  psql -h 127.0.0.1 -U photobomb_app -d photobomb   # Run validation queries...",
        "  gcloud run services update photobomb-api --region=us-central1 --traffic 100",
        "Publishes BackupRestoreRequested. By default into a new instance, validated, the API pointed at it and the",
        "old primary kept as the rollback; --in-place overwrites the instance as the runbook does.",
        "A dry run unless --confirm: the plan is printed, nothing changes."},
    footer = {"", "Ends on platform-operation-completed (exit 0), platform-operation-failed or -rolled-back",
        "(exit 1, the failing step and the reason). Progress: saga steps."})
public final class RestoreCommand implements Callable<Integer> {

  @Mixin
  Connection connection;

  @Mixin
  FollowOptions follow;

  @Mixin
  SagaOptions saga;

  @Option(names = "--instance", defaultValue = "photobomb-prod-db", description = "default: ${DEFAULT-VALUE}")
  String instance;

  @Option(names = "--backup-id", paramLabel = "ID", description = "the backup run (default: the newest successful)")
  Long backupId;

  @Option(names = "--target-instance", paramLabel = "NAME",
      description = "the new instance's name (default: the instance's with the date)")
  String targetInstance;

  @Option(names = "--in-place", description = "overwrite the instance (Cloud SQL then deletes its read replicas)")
  boolean inPlace;

  @Option(names = "--accept-replica-loss", description = "with --in-place: the read replicas may be deleted")
  boolean acceptReplicaLoss;

  @Override
  public Integer call() {
    return follow.publish(connection, saga.request(BACKUP_RESTORE_REQUESTED, new BackupRestoreRequested(
        saga.operationId, instance, backupId,
        inPlace ? BackupRestoreRequested.IN_PLACE : BackupRestoreRequested.NEW_INSTANCE, targetInstance,
        acceptReplicaLoss, saga.dryRun(), saga.confirm, saga.reason, follow.requestedBy())));
  }
}
