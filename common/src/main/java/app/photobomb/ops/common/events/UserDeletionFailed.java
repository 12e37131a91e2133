package app.photobomb.ops.common.events;

import java.util.UUID;

/** Fact: a deletion command could not be carried out; reason says why. */
public record UserDeletionFailed(UUID userId, String reason)
    implements DeletionMessage {
}
