package app.photobomb.ops.deletion.domain;

import java.time.Instant;
import java.util.UUID;

/** The deletion state of one account; {@code forced} marks an operator's immediate deletion. */
public record UserDeletion(UUID userId, Status status, Instant softDeletedAt, Instant hardDeleteAfter,
    boolean forced) {

  /** Where the account is on its way out. */
  public enum Status {
    SCHEDULED, RESTORED, DELETING_OBJECTS, DELETED;

    String column() {
      return name().toLowerCase();
    }

    static Status of(String column) {
      return valueOf(column.toUpperCase());
    }
  }
}
