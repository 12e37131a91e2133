package app.photobomb.ops.common.events;

import java.util.UUID;

/** Command: the user or an operator withdraws a deletion request within the grace period. */
public record UserDeletionCancelled(UUID userId, String requestedBy)
    implements DeletionMessage {
}
