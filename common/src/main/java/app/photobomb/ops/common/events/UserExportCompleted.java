package app.photobomb.ops.common.events;

import java.time.Instant;
import java.util.UUID;

/** Fact: the export archive is stored and downloadable at url until expiresAt. */
public record UserExportCompleted(UUID exportId, UUID userId, String url, Instant expiresAt, long photoCount, long bytes, String sha256)
    implements ExportMessage {
}
