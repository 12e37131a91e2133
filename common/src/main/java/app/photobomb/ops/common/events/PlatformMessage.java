package app.photobomb.ops.common.events;

import java.util.UUID;

/** Messages of the platform-service's sagas (runbook tasks 1, 2, 5 and 6); keyed by the operation's id. */
public sealed interface PlatformMessage extends PhotobombMessage
    permits PlatformCommand, PlatformOperationPlanned, PlatformOperationProgressed, PlatformOperationCompleted,
    PlatformOperationFailed, PlatformOperationRolledBack {

  UUID operationId();

  @Override
  default String key() {
    return operationId().toString();
  }
}
