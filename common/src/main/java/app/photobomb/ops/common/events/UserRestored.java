package app.photobomb.ops.common.events;

import java.util.UUID;

/** Fact: a soft-deleted account was restored within its grace period. */
public record UserRestored(UUID userId)
    implements DeletionMessage {
}
