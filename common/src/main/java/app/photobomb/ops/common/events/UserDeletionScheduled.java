package app.photobomb.ops.common.events;

import java.time.Instant;
import java.util.UUID;

/** Fact: the account is soft-deleted and will be hard-deleted after the given instant. */
public record UserDeletionScheduled(UUID userId, Instant hardDeleteAfter)
    implements DeletionMessage {
}
