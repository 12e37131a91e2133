package app.photobomb.ops.export.domain;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The exports table: one row per exportId, claimed by one worker at a time under a lease, and never two of one
 * user's exports at once.
 */
@Repository
public class Exports {

  /** Key of the advisory lock that serializes claims, so two workers cannot start two exports of one user. */
  private static final long CLAIM_LOCK = 0x6578706f7274L;

  private final JdbcTemplate jdbc;

  public Exports(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** The export's status, or null when there is no such export. */
  public String status(UUID exportId) {
    return jdbc.query("SELECT status FROM exports WHERE export_id = ?", (row, i) -> row.getString(1), exportId)
        .stream().findFirst().orElse(null);
  }

  public boolean exists(UUID exportId) {
    return jdbc.queryForObject("SELECT count(*) FROM exports WHERE export_id = ?", Integer.class, exportId) > 0;
  }

  /** Records a request; {@code status} is queued, or failed with a reason when refused at once. */
  public void insert(UUID exportId, UUID userId, String requestedBy, String status, String reason,
      String correlationId, String causationId) {
    jdbc.update("""
        INSERT INTO exports (export_id, user_id, requested_by, status, failure_reason, correlation_id, causation_id,
            completed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, CASE WHEN ? = 'failed' THEN now() END)""",
        exportId, userId, requestedBy, status, reason, correlationId, causationId, status);
  }

  /**
   * Claims the oldest export that is queued, or running under an expired lease (its worker died), unless
   * another export of the same user is running under a live lease or arrived earlier and is not finished. The
   * outer WHERE repeats the status test: a row locked by a worker finishing it is re-checked after that commit.
   * Times are the statement's, not the transaction's: the advisory lock may have been waited for.
   */
  @Transactional
  public Optional<ExportJob> claim(String owner, Duration lease) {
    jdbc.queryForObject("SELECT pg_advisory_xact_lock(?)", Object.class, CLAIM_LOCK);
    List<ExportJob> claimed = jdbc.query("""
        UPDATE exports SET status = 'running', lease_owner = ?, lease_until = statement_timestamp() + ?::interval,
            attempts = attempts + 1, started_at = coalesce(started_at, statement_timestamp()),
            updated_at = statement_timestamp()
        WHERE export_id = (
            SELECT e.export_id FROM exports e
            -- a queued export's lease_until, when set, is the moment it may be tried again (a storage outage's backoff)
            WHERE ((e.status = 'queued' OR e.status = 'running') AND coalesce(e.lease_until, '-infinity')
                < statement_timestamp())
              AND NOT EXISTS (SELECT 1 FROM exports o WHERE o.user_id = e.user_id AND o.export_id <> e.export_id
                  AND (o.status = 'running' AND o.lease_until >= statement_timestamp()
                       OR o.status IN ('queued', 'running') AND o.seq < e.seq))
            ORDER BY e.seq LIMIT 1 FOR UPDATE SKIP LOCKED)
          AND status IN ('queued', 'running') AND coalesce(lease_until, '-infinity') < statement_timestamp()
        RETURNING export_id, user_id, requested_by, attempts, correlation_id, causation_id, requested_at""",
        Exports::job,
        owner, lease.toMillis() + " milliseconds");
    return claimed.stream().findFirst();
  }

  /** Extends the lease; false when this worker lost the export (its lease ran out and another took it). */
  public boolean renew(UUID exportId, String owner, Duration lease) {
    return jdbc.update("""
        UPDATE exports SET lease_until = now() + ?::interval, updated_at = now()
        WHERE export_id = ? AND status = 'running' AND lease_owner = ?""",
        lease.toMillis() + " milliseconds", exportId, owner) == 1;
  }

  /** Marks the export done, if this worker still holds it. */
  public boolean complete(UUID exportId, String owner, String bucket, String key, String url, Instant expiresAt,
      long photos, long bytes, String sha256) {
    return jdbc.update("""
        UPDATE exports SET status = 'completed', bucket = ?, object_key = ?, url = ?, expires_at = ?,
            photo_count = ?, bytes = ?, sha256 = ?, completed_at = now(), lease_owner = NULL, lease_until = NULL,
            updated_at = now()
        WHERE export_id = ? AND status = 'running' AND lease_owner = ?""",
        bucket, key, url, Timestamp.from(expiresAt), photos, bytes, sha256, exportId, owner) == 1;
  }

  /** Ends the export as failed, if this worker still holds it. */
  public boolean fail(UUID exportId, String owner, String reason) {
    return jdbc.update("""
        UPDATE exports SET status = 'failed', failure_reason = ?, completed_at = now(), lease_owner = NULL,
            lease_until = NULL, updated_at = now()
        WHERE export_id = ? AND status = 'running' AND lease_owner = ?""", reason, exportId, owner) == 1;
  }

  /** Gives the export back to the queue after a failure worth another attempt, to be tried after {@code delay}. */
  public void release(UUID exportId, String owner, String reason, Duration delay) {
    jdbc.update("""
        UPDATE exports SET status = 'queued', failure_reason = ?, lease_owner = NULL,
            lease_until = now() + ?::interval, updated_at = now()
        WHERE export_id = ? AND status = 'running' AND lease_owner = ?""", reason, delay.toMillis() + " milliseconds",
        exportId, owner);
  }

  /**
   * Gives the export back after a storage outage, to be tried after {@code delay}: the attempt is not counted, so an
   * outage cannot use up the attempts meant for crashes (the worker bounds the wait by its storage patience).
   */
  public void postpone(UUID exportId, String owner, String reason, Duration delay) {
    jdbc.update("""
        UPDATE exports SET status = 'queued', failure_reason = ?, lease_owner = NULL, attempts = attempts - 1,
            lease_until = now() + ?::interval, updated_at = now()
        WHERE export_id = ? AND status = 'running' AND lease_owner = ?""", reason, delay.toMillis() + " milliseconds",
        exportId, owner);
  }

  private static ExportJob job(ResultSet row, int i) throws SQLException {
    return new ExportJob(row.getObject(1, UUID.class), row.getObject(2, UUID.class), row.getString(3), row.getInt(4),
        row.getString(5), row.getString(6), row.getTimestamp(7).toInstant());
  }

  /** Completed exports whose link has expired, oldest first. */
  public List<StoredExport> expired(int limit) {
    return jdbc.query("""
        SELECT export_id, user_id, bucket, object_key FROM exports
        WHERE status = 'completed' AND expires_at <= now() ORDER BY expires_at LIMIT ?""", Exports::stored, limit);
  }

  /** Completed exports of a user, whatever their expiry. */
  public List<StoredExport> completedOf(UUID userId) {
    return jdbc.query("""
        SELECT export_id, user_id, bucket, object_key FROM exports WHERE user_id = ? AND status = 'completed'""",
        Exports::stored, userId);
  }

  /** Exports of a user not started or not finished, locked: the user is gone, so they fail. */
  public List<ExportJob> unfinishedOf(UUID userId) {
    return jdbc.query("""
        SELECT export_id, user_id, requested_by, attempts, correlation_id, causation_id, requested_at FROM exports
        WHERE user_id = ? AND status IN ('queued', 'running') FOR UPDATE""", Exports::job, userId);
  }

  /** Fails an export whatever its lease: its user was hard-deleted. */
  public void failUnfinished(UUID exportId, String reason) {
    jdbc.update("""
        UPDATE exports SET status = 'failed', failure_reason = ?, completed_at = now(), lease_owner = NULL,
            lease_until = NULL, updated_at = now() WHERE export_id = ? AND status IN ('queued', 'running')""",
        reason, exportId);
  }

  /** Marks a completed export's archive removed; false when another replica's sweep did it first. */
  public boolean markRemoved(UUID exportId) {
    return jdbc.update("""
        UPDATE exports SET status = 'removed', url = NULL, removed_at = now(), updated_at = now()
        WHERE export_id = ? AND status = 'completed'""", exportId) == 1;
  }

  /**
   * Records that everything under {@code prefix} in the exports store must go: the retention sweep deletes it
   * (and keeps looking for a day), so a removal that fails now is not forgotten.
   */
  public void purgeLater(String prefix) {
    jdbc.update("INSERT INTO export_purges (prefix) VALUES (?) ON CONFLICT (prefix) DO NOTHING", prefix);
  }

  private static StoredExport stored(java.sql.ResultSet row, int i) throws java.sql.SQLException {
    return new StoredExport(row.getObject(1, UUID.class), row.getObject(2, UUID.class), row.getString(3),
        row.getString(4));
  }

  /** A completed export's archive. */
  public record StoredExport(UUID exportId, UUID userId, String bucket, String key) {
  }
}
