package app.photobomb.ops.common.events;

import java.time.Instant;
import java.util.UUID;

/**
 * Command: the photobomb API asks for an account to be deleted after the grace period, or, with
 * {@code immediate} (an operator's legal request, reason required), at once.
 */
public record UserDeletionRequested(UUID userId, String requestedBy, String reason, Instant requestedAt,
    Boolean immediate) implements DeletionMessage {

  /** A request that waits out the grace period. */
  public UserDeletionRequested(UUID userId, String requestedBy, String reason, Instant requestedAt) {
    this(userId, requestedBy, reason, requestedAt, null);
  }

  public boolean isImmediate() {
    return Boolean.TRUE.equals(immediate);
  }
}
