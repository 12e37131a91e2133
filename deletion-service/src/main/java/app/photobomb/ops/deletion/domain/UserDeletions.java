package app.photobomb.ops.deletion.domain;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The users, user_deletions and user_deletion_cancels rows the deletion flow reads and changes. Lock order,
 * everywhere: the users row first, then the user_deletions row, so that two flows never wait on each other.
 */
@Repository
public class UserDeletions {

  private static final String DELETION_COLUMNS =
      "user_id, status, requested_at, soft_deleted_at, hard_delete_after, forced, correlation_id";

  private final JdbcTemplate jdbc;

  public UserDeletions(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Locks the user row; empty when the user does not exist (never did, or was hard-deleted). */
  public Optional<Optional<Instant>> lockUser(UUID userId) {
    return jdbc.query("SELECT deleted_at FROM users WHERE user_id = ? FOR UPDATE",
        (row, i) -> deletedAt(row), userId).stream().findFirst();
  }

  /** What a non-waiting lock of the user row found. */
  public sealed interface UserLock {

    /** Locked; {@code deletedAt} is the soft delete, empty when the account is active. */
    record Held(Optional<Instant> deletedAt) implements UserLock {
    }

    /** Another transaction holds it (another replica is deleting the account). */
    record Busy() implements UserLock {
    }

    /** There is no such row. */
    record Missing() implements UserLock {
    }
  }

  /** Locks the user row unless another transaction holds it. */
  public UserLock tryLockUser(UUID userId) {
    Optional<Optional<Instant>> held = jdbc.query("SELECT deleted_at FROM users WHERE user_id = ? FOR UPDATE SKIP LOCKED",
        (row, i) -> deletedAt(row), userId).stream().findFirst();
    if (held.isPresent()) {
      return new UserLock.Held(held.get());
    }
    boolean exists = Boolean.TRUE.equals(
        jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM users WHERE user_id = ?)", Boolean.class, userId));
    return exists ? new UserLock.Busy() : new UserLock.Missing();
  }

  public Optional<UserDeletion> lock(UUID userId) {
    return jdbc.query("SELECT " + DELETION_COLUMNS + " FROM user_deletions WHERE user_id = ? FOR UPDATE",
        (row, i) -> deletion(row), userId).stream().findFirst();
  }

  /** Locks the deletion row unless another transaction holds it. */
  public Optional<UserDeletion> tryLock(UUID userId) {
    return jdbc.query("SELECT " + DELETION_COLUMNS + " FROM user_deletions WHERE user_id = ? FOR UPDATE SKIP LOCKED",
        (row, i) -> deletion(row), userId).stream().findFirst();
  }

  public void softDelete(UUID userId, Instant at) {
    jdbc.update("UPDATE users SET deleted_at = ? WHERE user_id = ?", Timestamp.from(at), userId);
  }

  /** Undoes the soft delete and marks the deletion restored. */
  public void restore(UUID userId) {
    jdbc.update("UPDATE users SET deleted_at = NULL WHERE user_id = ?", userId);
    markRestored(userId);
  }

  /** Marks the deletion restored (the API may have cleared users.deleted_at itself). */
  public void markRestored(UUID userId) {
    jdbc.update("UPDATE user_deletions SET status = 'restored', updated_at = now() WHERE user_id = ?", userId);
  }

  public void reschedule(UUID userId, Instant softDeletedAt, Instant hardDeleteAfter) {
    jdbc.update("""
        UPDATE user_deletions SET soft_deleted_at = ?, hard_delete_after = ?, updated_at = now() WHERE user_id = ?""",
        Timestamp.from(softDeletedAt), Timestamp.from(hardDeleteAfter), userId);
  }

  public void fail(UUID userId, String reason) {
    jdbc.update("UPDATE user_deletions SET status = 'failed', failure_reason = ?, updated_at = now() WHERE user_id = ?",
        reason, userId);
  }

  /** Records a new schedule, replacing a restored or failed one. */
  public void schedule(UUID userId, String requestedBy, String reason, Instant requestedAt, Instant softDeletedAt,
      Instant hardDeleteAfter, boolean forced, String correlationId) {
    jdbc.update("""
        INSERT INTO user_deletions (user_id, status, requested_by, reason, requested_at, soft_deleted_at,
            hard_delete_after, forced, correlation_id)
        VALUES (?, 'scheduled', ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET status = 'scheduled', requested_by = EXCLUDED.requested_by,
            reason = EXCLUDED.reason, requested_at = EXCLUDED.requested_at,
            soft_deleted_at = EXCLUDED.soft_deleted_at, hard_delete_after = EXCLUDED.hard_delete_after,
            forced = EXCLUDED.forced, correlation_id = EXCLUDED.correlation_id, failure_reason = NULL,
            updated_at = now()""",
        userId, requestedBy, reason, Timestamp.from(requestedAt), Timestamp.from(softDeletedAt),
        Timestamp.from(hardDeleteAfter), forced, correlationId);
  }

  /** Keeps the newest cancel of the user (by the cancel's own time), whatever order cancels arrive in. */
  public void recordCancel(UUID userId, Instant cancelledAt, String requestedBy) {
    jdbc.update("""
        INSERT INTO user_deletion_cancels (user_id, cancelled_at, requested_by) VALUES (?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET cancelled_at = EXCLUDED.cancelled_at,
            requested_by = EXCLUDED.requested_by, updated_at = now()
        WHERE user_deletion_cancels.cancelled_at < EXCLUDED.cancelled_at""",
        userId, Timestamp.from(cancelledAt), requestedBy);
  }

  /** When the user last withdrew a deletion, if ever. */
  public Optional<Instant> latestCancel(UUID userId) {
    return jdbc.query("SELECT cancelled_at FROM user_deletion_cancels WHERE user_id = ?",
        (row, i) -> row.getTimestamp(1).toInstant(), userId).stream().findFirst();
  }

  private static Optional<Instant> deletedAt(ResultSet row) throws SQLException {
    return Optional.ofNullable(row.getTimestamp(1)).map(Timestamp::toInstant);
  }

  private static UserDeletion deletion(ResultSet row) throws SQLException {
    return new UserDeletion(row.getObject(1, UUID.class), UserDeletion.Status.of(row.getString(2)),
        row.getTimestamp(3).toInstant(), row.getTimestamp(4).toInstant(), row.getTimestamp(5).toInstant(),
        row.getBoolean(6), row.getString(7));
  }
}
