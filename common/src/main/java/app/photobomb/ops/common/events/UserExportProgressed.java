package app.photobomb.ops.common.events;

import java.util.UUID;

/** Fact: progress of a running export. */
public record UserExportProgressed(UUID exportId, UUID userId, long photosDone, long photosTotal, long bytesWritten)
    implements ExportMessage {
}
