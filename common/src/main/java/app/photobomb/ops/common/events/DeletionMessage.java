package app.photobomb.ops.common.events;

import java.util.UUID;

/** Messages of the account deletion flow; keyed by user id. */
public sealed interface DeletionMessage extends PhotobombMessage
    permits UserDeletionRequested, UserDeletionCancelled, UserDeletionScheduled, UserRestored,
    UserHardDeleted, UserDeletionFailed {

  UUID userId();

  @Override
  default String key() {
    return userId().toString();
  }
}
