package app.photobomb.ops.common.events;

import java.util.UUID;

/**
 * Command: restore a Cloud SQL instance from a backup (runbook task 1).
 *
 * @param backupRunId the backup to restore; null: the newest successful one
 * @param mode {@code new_instance} (default: restore into a new instance, validate it, then point the API at it and
 *     keep the old primary as the rollback) or {@code in_place} (the runbook's: overwrites the instance)
 * @param targetInstance the new instance's name in mode {@code new_instance}; null: the instance's name with the
 *     operation's date
 * @param acceptReplicaLoss in mode {@code in_place}: the instance's read replicas may be deleted (Cloud SQL requires
 *     it), losing the runbook's own rollback
 */
public record BackupRestoreRequested(UUID operationId, String instance, Long backupRunId, String mode,
    String targetInstance, boolean acceptReplicaLoss, boolean dryRun, boolean confirm, String reason,
    String requestedBy) implements PlatformCommand {

  public static final String NEW_INSTANCE = "new_instance";
  public static final String IN_PLACE = "in_place";

  /** The mode asked for, {@code new_instance} when none was. */
  public String effectiveMode() {
    return mode == null ? NEW_INSTANCE : mode;
  }
}
