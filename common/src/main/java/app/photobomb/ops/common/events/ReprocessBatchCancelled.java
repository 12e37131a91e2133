package app.photobomb.ops.common.events;

import java.util.UUID;

/** Command: stop a reprocessing batch; its queued jobs are cancelled, running ones finish. */
public record ReprocessBatchCancelled(UUID batchId, String requestedBy, String reason)
    implements ReprocessMessage {
}
