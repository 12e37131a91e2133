package app.photobomb.ops.common.events;

import static app.photobomb.ops.common.events.MessageType.Kind.COMMAND;
import static app.photobomb.ops.common.events.MessageType.Kind.EVENT;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every message of photobomb-ops with its topic. Topic names are written out here on purpose: they are the
 * wire contract and must not follow a Java rename. docs/asyncapi.yaml describes the same list.
 */
public final class MessageCatalog {

  public static final MessageType<UserDeletionRequested> USER_DELETION_REQUESTED =
      new MessageType<>("UserDeletionRequested", "user-deletion-requested", UserDeletionRequested.class, COMMAND);
  public static final MessageType<UserDeletionCancelled> USER_DELETION_CANCELLED =
      new MessageType<>("UserDeletionCancelled", "user-deletion-cancelled", UserDeletionCancelled.class, COMMAND);
  public static final MessageType<UserDeletionScheduled> USER_DELETION_SCHEDULED =
      new MessageType<>("UserDeletionScheduled", "user-deletion-scheduled", UserDeletionScheduled.class, EVENT);
  public static final MessageType<UserRestored> USER_RESTORED =
      new MessageType<>("UserRestored", "user-restored", UserRestored.class, EVENT);
  public static final MessageType<UserHardDeleted> USER_HARD_DELETED =
      new MessageType<>("UserHardDeleted", "user-hard-deleted", UserHardDeleted.class, EVENT);
  public static final MessageType<UserDeletionFailed> USER_DELETION_FAILED =
      new MessageType<>("UserDeletionFailed", "user-deletion-failed", UserDeletionFailed.class, EVENT);

  public static final MessageType<UserExportRequested> USER_EXPORT_REQUESTED =
      new MessageType<>("UserExportRequested", "user-export-requested", UserExportRequested.class, COMMAND);
  public static final MessageType<UserExportProgressed> USER_EXPORT_PROGRESSED =
      new MessageType<>("UserExportProgressed", "user-export-progressed", UserExportProgressed.class, EVENT);
  public static final MessageType<UserExportCompleted> USER_EXPORT_COMPLETED =
      new MessageType<>("UserExportCompleted", "user-export-completed", UserExportCompleted.class, EVENT);
  public static final MessageType<UserExportFailed> USER_EXPORT_FAILED =
      new MessageType<>("UserExportFailed", "user-export-failed", UserExportFailed.class, EVENT);

  public static final MessageType<ReprocessBatch> REPROCESS_BATCH =
      new MessageType<>("ReprocessBatch", "reprocess-batch", ReprocessBatch.class, COMMAND);
  public static final MessageType<ReprocessBatchCancelled> REPROCESS_BATCH_CANCELLED =
      new MessageType<>("ReprocessBatchCancelled", "reprocess-batch-cancelled", ReprocessBatchCancelled.class,
          COMMAND);
  public static final MessageType<ReprocessBatchAccepted> REPROCESS_BATCH_ACCEPTED =
      new MessageType<>("ReprocessBatchAccepted", "reprocess-batch-accepted", ReprocessBatchAccepted.class, EVENT);
  public static final MessageType<ReprocessBatchProgressed> REPROCESS_BATCH_PROGRESSED =
      new MessageType<>("ReprocessBatchProgressed", "reprocess-batch-progressed", ReprocessBatchProgressed.class,
          EVENT);
  public static final MessageType<ReprocessBatchCompleted> REPROCESS_BATCH_COMPLETED =
      new MessageType<>("ReprocessBatchCompleted", "reprocess-batch-completed", ReprocessBatchCompleted.class, EVENT);
  public static final MessageType<ReprocessBatchFailed> REPROCESS_BATCH_FAILED =
      new MessageType<>("ReprocessBatchFailed", "reprocess-batch-failed", ReprocessBatchFailed.class, EVENT);
  public static final MessageType<ThumbnailsRegenerated> THUMBNAILS_REGENERATED =
      new MessageType<>("ThumbnailsRegenerated", "thumbnails-regenerated", ThumbnailsRegenerated.class, EVENT);

  public static final MessageType<QueueBacklogDetected> QUEUE_BACKLOG_DETECTED =
      new MessageType<>("QueueBacklogDetected", "queue-backlog-detected", QueueBacklogDetected.class, EVENT);
  public static final MessageType<QueueBacklogCleared> QUEUE_BACKLOG_CLEARED =
      new MessageType<>("QueueBacklogCleared", "queue-backlog-cleared", QueueBacklogCleared.class, EVENT);
  public static final MessageType<QueueBacklogUnresolved> QUEUE_BACKLOG_UNRESOLVED =
      new MessageType<>("QueueBacklogUnresolved", "queue-backlog-unresolved", QueueBacklogUnresolved.class, EVENT);
  public static final MessageType<ScaleWorkersRequested> SCALE_WORKERS_REQUESTED =
      new MessageType<>("ScaleWorkersRequested", "scale-workers-requested", ScaleWorkersRequested.class, COMMAND);
  public static final MessageType<WorkersScaled> WORKERS_SCALED =
      new MessageType<>("WorkersScaled", "workers-scaled", WorkersScaled.class, EVENT);
  public static final MessageType<ScalingFailed> SCALING_FAILED =
      new MessageType<>("ScalingFailed", "scaling-failed", ScalingFailed.class, EVENT);

  public static final MessageType<CachePurgeRequested> CACHE_PURGE_REQUESTED =
      new MessageType<>("CachePurgeRequested", "cache-purge-requested", CachePurgeRequested.class, COMMAND);
  public static final MessageType<CachePurged> CACHE_PURGED =
      new MessageType<>("CachePurged", "cache-purged", CachePurged.class, EVENT);
  public static final MessageType<CachePurgeFailed> CACHE_PURGE_FAILED =
      new MessageType<>("CachePurgeFailed", "cache-purge-failed", CachePurgeFailed.class, EVENT);

  public static final MessageType<BackupRestoreRequested> BACKUP_RESTORE_REQUESTED =
      new MessageType<>("BackupRestoreRequested", "backup-restore-requested", BackupRestoreRequested.class, COMMAND);
  public static final MessageType<SecretRotationRequested> SECRET_ROTATION_REQUESTED =
      new MessageType<>("SecretRotationRequested", "secret-rotation-requested", SecretRotationRequested.class, COMMAND);
  public static final MessageType<DeploymentRollbackRequested> DEPLOYMENT_ROLLBACK_REQUESTED =
      new MessageType<>("DeploymentRollbackRequested", "deployment-rollback-requested", DeploymentRollbackRequested.class, COMMAND);
  public static final MessageType<DatabaseResizeRequested> DATABASE_RESIZE_REQUESTED =
      new MessageType<>("DatabaseResizeRequested", "database-resize-requested", DatabaseResizeRequested.class, COMMAND);
  public static final MessageType<PlatformOperationPlanned> PLATFORM_OPERATION_PLANNED =
      new MessageType<>("PlatformOperationPlanned", "platform-operation-planned", PlatformOperationPlanned.class, EVENT);
  public static final MessageType<PlatformOperationProgressed> PLATFORM_OPERATION_PROGRESSED =
      new MessageType<>("PlatformOperationProgressed", "platform-operation-progressed", PlatformOperationProgressed.class, EVENT);
  public static final MessageType<PlatformOperationCompleted> PLATFORM_OPERATION_COMPLETED =
      new MessageType<>("PlatformOperationCompleted", "platform-operation-completed", PlatformOperationCompleted.class, EVENT);
  public static final MessageType<PlatformOperationFailed> PLATFORM_OPERATION_FAILED =
      new MessageType<>("PlatformOperationFailed", "platform-operation-failed", PlatformOperationFailed.class, EVENT);
  public static final MessageType<PlatformOperationRolledBack> PLATFORM_OPERATION_ROLLED_BACK =
      new MessageType<>("PlatformOperationRolledBack", "platform-operation-rolled-back", PlatformOperationRolledBack.class, EVENT);

  public static final List<MessageType<?>> ALL = List.of(
      USER_DELETION_REQUESTED, USER_DELETION_CANCELLED, USER_DELETION_SCHEDULED, USER_RESTORED,
      USER_HARD_DELETED, USER_DELETION_FAILED,
      USER_EXPORT_REQUESTED, USER_EXPORT_PROGRESSED, USER_EXPORT_COMPLETED, USER_EXPORT_FAILED,
      REPROCESS_BATCH, REPROCESS_BATCH_CANCELLED, REPROCESS_BATCH_ACCEPTED, REPROCESS_BATCH_PROGRESSED,
      REPROCESS_BATCH_COMPLETED, REPROCESS_BATCH_FAILED, THUMBNAILS_REGENERATED,
      QUEUE_BACKLOG_DETECTED, QUEUE_BACKLOG_CLEARED, QUEUE_BACKLOG_UNRESOLVED, SCALE_WORKERS_REQUESTED,
      WORKERS_SCALED, SCALING_FAILED,
      CACHE_PURGE_REQUESTED, CACHE_PURGED, CACHE_PURGE_FAILED,
      BACKUP_RESTORE_REQUESTED, SECRET_ROTATION_REQUESTED, DEPLOYMENT_ROLLBACK_REQUESTED, DATABASE_RESIZE_REQUESTED,
      PLATFORM_OPERATION_PLANNED, PLATFORM_OPERATION_PROGRESSED, PLATFORM_OPERATION_COMPLETED, PLATFORM_OPERATION_FAILED,
      PLATFORM_OPERATION_ROLLED_BACK);

  private static final Map<Class<?>, MessageType<?>> BY_PAYLOAD =
      ALL.stream().collect(Collectors.toUnmodifiableMap(MessageType::payloadType, Function.identity()));

  private MessageCatalog() {
  }

  /** The message type whose record is the given class. */
  @SuppressWarnings("unchecked")
  public static <T extends PhotobombMessage> MessageType<T> forPayload(Class<T> payloadType) {
    return Optional.ofNullable((MessageType<T>) BY_PAYLOAD.get(payloadType))
        .orElseThrow(() -> new IllegalArgumentException("not in the catalogue: " + payloadType.getName()));
  }
}
