package app.photobomb.ops.faults;

import java.time.Instant;
import java.util.UUID;

/**
 * A command the load published: its envelope's id and correlation id, its record's key, the account (none for a
 * purge), the export if any.
 */
record SentCommand(CommandKind kind, String ceId, String correlationId, String key, UUID userId, UUID exportId,
    String payload, Instant sentAt) {

  String describe() {
    return kind + " ce_id=" + ceId + " correlation=" + correlationId + " key=" + key
        + (userId == null ? "" : " user=" + userId)
        + (exportId == null ? "" : " export=" + exportId) + " sent " + sentAt + " payload " + payload;
  }
}
