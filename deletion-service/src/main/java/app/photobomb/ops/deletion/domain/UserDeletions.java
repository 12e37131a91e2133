package app.photobomb.ops.deletion.domain;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The users and user_deletions rows the deletion flow reads and changes, always under a row lock. */
@Repository
public class UserDeletions {

  private final JdbcTemplate jdbc;

  public UserDeletions(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Locks the user row; empty when the user does not exist (never did, or was hard-deleted). */
  public Optional<Optional<Instant>> lockUser(UUID userId) {
    return jdbc.query("SELECT deleted_at FROM users WHERE user_id = ? FOR UPDATE",
        (row, i) -> Optional.ofNullable(row.getTimestamp(1)).map(Timestamp::toInstant), userId).stream().findFirst();
  }

  public Optional<UserDeletion> lock(UUID userId) {
    return jdbc.query("""
        SELECT user_id, status, soft_deleted_at, hard_delete_after, forced FROM user_deletions
        WHERE user_id = ? FOR UPDATE""",
        (row, i) -> new UserDeletion(row.getObject(1, UUID.class), UserDeletion.Status.of(row.getString(2)),
            row.getTimestamp(3).toInstant(), row.getTimestamp(4).toInstant(), row.getBoolean(5)), userId)
        .stream().findFirst();
  }

  public void softDelete(UUID userId, Instant at) {
    jdbc.update("UPDATE users SET deleted_at = ? WHERE user_id = ?", Timestamp.from(at), userId);
  }

  public void restore(UUID userId) {
    jdbc.update("UPDATE users SET deleted_at = NULL WHERE user_id = ?", userId);
    jdbc.update("UPDATE user_deletions SET status = 'restored', updated_at = now() WHERE user_id = ?", userId);
  }

  /** Records a new schedule, replacing a restored one. */
  public void schedule(UUID userId, String requestedBy, String reason, Instant requestedAt, Instant softDeletedAt,
      Instant hardDeleteAfter, boolean forced, String correlationId) {
    jdbc.update("""
        INSERT INTO user_deletions (user_id, status, requested_by, reason, requested_at, soft_deleted_at,
            hard_delete_after, forced, correlation_id)
        VALUES (?, 'scheduled', ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET status = 'scheduled', requested_by = EXCLUDED.requested_by,
            reason = EXCLUDED.reason, requested_at = EXCLUDED.requested_at,
            soft_deleted_at = EXCLUDED.soft_deleted_at, hard_delete_after = EXCLUDED.hard_delete_after,
            forced = EXCLUDED.forced, correlation_id = EXCLUDED.correlation_id, updated_at = now()""",
        userId, requestedBy, reason, Timestamp.from(requestedAt), Timestamp.from(softDeletedAt),
        Timestamp.from(hardDeleteAfter), forced, correlationId);
  }
}
