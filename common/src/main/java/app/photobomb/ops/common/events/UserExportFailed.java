package app.photobomb.ops.common.events;

import java.util.UUID;

/** Fact: an export could not be produced; reason says why. */
public record UserExportFailed(UUID exportId, UUID userId, String reason)
    implements ExportMessage {
}
