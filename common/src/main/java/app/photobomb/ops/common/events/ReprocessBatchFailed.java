package app.photobomb.ops.common.events;

import java.util.UUID;

/** Fact: the batch could not be carried out; reason says why. */
public record ReprocessBatchFailed(UUID batchId, String reason)
    implements ReprocessMessage {
}
