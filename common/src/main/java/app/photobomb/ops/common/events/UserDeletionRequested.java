package app.photobomb.ops.common.events;

import java.time.Instant;
import java.util.UUID;

/** Command: the photobomb API asks for an account to be deleted after the grace period. */
public record UserDeletionRequested(UUID userId, String requestedBy, String reason, Instant requestedAt)
    implements DeletionMessage {
}
