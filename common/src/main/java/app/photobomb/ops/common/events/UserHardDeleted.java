package app.photobomb.ops.common.events;

import java.util.Map;
import java.util.UUID;

/** Fact: every row and stored object of the account is gone; rowsDeleted counts rows per table. */
public record UserHardDeleted(UUID userId, Map<String, Long> rowsDeleted, long objectsDeleted, long bytesFreed)
    implements DeletionMessage {
}
