package app.photobomb.ops.common.events;

import java.util.UUID;

/** Command: build a GDPR export of the user's data. */
public record UserExportRequested(UUID exportId, UUID userId, String requestedBy)
    implements ExportMessage {
}
