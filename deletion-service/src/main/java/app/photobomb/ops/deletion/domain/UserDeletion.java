package app.photobomb.ops.deletion.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * The deletion state of one account; {@code forced} marks an operator's immediate deletion, {@code requestedAt}
 * is when the request was made (its own time), which a later-handled cancel is compared with.
 */
public record UserDeletion(UUID userId, Status status, Instant requestedAt, Instant softDeletedAt,
    Instant hardDeleteAfter, boolean forced, String correlationId) {

  /** Where the account is on its way out. */
  public enum Status {
    SCHEDULED, RESTORED, DELETING_OBJECTS, DELETED, FAILED;

    static Status of(String column) {
      return valueOf(column.toUpperCase());
    }

    /** The account's rows are gone: too late to cancel, nothing to request. */
    boolean rowsDeleted() {
      return this == DELETING_OBJECTS || this == DELETED;
    }
  }
}
