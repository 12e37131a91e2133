package app.photobomb.ops.common.events;

/**
 * A command that starts a platform saga. It is first answered with its plan; {@code dryRun} stops there, and a
 * plan with destructive steps runs only with {@code confirm}.
 */
public sealed interface PlatformCommand extends PlatformMessage
    permits BackupRestoreRequested, SecretRotationRequested, DeploymentRollbackRequested, DatabaseResizeRequested {

  boolean dryRun();

  boolean confirm();

  String reason();

  String requestedBy();
}
