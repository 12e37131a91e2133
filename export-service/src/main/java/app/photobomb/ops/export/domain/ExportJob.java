package app.photobomb.ops.export.domain;

import java.time.Instant;
import java.util.UUID;

/** An export a worker has claimed: what to build, for whom, the request it answers and when it was asked for. */
public record ExportJob(UUID exportId, UUID userId, String requestedBy, int attempt, String correlationId,
    String causationId, Instant requestedAt) {
}
