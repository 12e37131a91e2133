package app.photobomb.ops.export.domain;

import java.util.UUID;

/** An export a worker has claimed: what to build, for whom, and the request it answers. */
public record ExportJob(UUID exportId, UUID userId, String requestedBy, int attempt, String correlationId,
    String causationId) {
}
