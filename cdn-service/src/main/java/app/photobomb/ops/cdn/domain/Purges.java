package app.photobomb.ops.cdn.domain;

import java.sql.Array;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The purge tables: requests with their targets, the calls the coalescer groups them into, and what each call's
 * answer finishes. Only the replica holding the sender's lock coalesces and sends, so calls are never made twice
 * at once; a crash between a call and its record makes it again, which purges nothing more.
 */
@Repository
public class Purges {

  private static final int MAX_PREFIXES_PER_CALL = 100;

  private final JdbcTemplate jdbc;

  public Purges(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Records a request and its targets; false when the purge id is known already (nothing is written). */
  public boolean insert(UUID purgeId, String requestedBy, boolean answered, List<PurgeTarget> targets,
      String failureReason, String correlationId, String causationId) {
    int inserted = jdbc.update("""
        INSERT INTO cdn_purges (purge_id, requested_by, status, failure_reason, answered, target_count,
            correlation_id, causation_id, finished_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? THEN now() END)
        ON CONFLICT (purge_id) DO NOTHING""", purgeId, requestedBy, failureReason == null ? "pending" : "failed",
        failureReason, answered, targets.size(), correlationId, causationId, failureReason != null);
    if (inserted == 0 || failureReason != null) {
      return inserted == 1;
    }
    jdbc.batchUpdate("INSERT INTO cdn_purge_targets (purge_id, kind, target) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        targets, 1000, (statement, target) -> {
          statement.setObject(1, purgeId);
          statement.setString(2, target.kind());
          statement.setString(3, target.target());
        });
    return true;
  }

  /**
   * When the last purge of everything that did not fail was asked for; holds the purge-everything lock until the
   * transaction ends, so two requests at once cannot both pass the least interval.
   */
  public Optional<Instant> lastPurgeOfEverything() {
    jdbc.queryForList("SELECT pg_advisory_xact_lock(hashtextextended('photobomb-cdn:purge-everything', 0))",
        Object.class);
    return jdbc.query("""
        SELECT max(t.created_at) FROM cdn_purge_targets t JOIN cdn_purges p USING (purge_id)
        WHERE t.kind = 'everything' AND p.status <> 'failed'""",
        (row, n) -> Optional.ofNullable(row.getTimestamp(1)).map(Timestamp::toInstant)).stream().findFirst()
        .flatMap(o -> o);
  }

  /**
   * Once the oldest unassigned target has waited {@code window}, groups the oldest {@code limit} unassigned targets
   * into calls: deduplicated across requests, at most {@code perCall} each (one call for any number of purges of
   * everything). Returns how many targets it took ({@code limit}: more may wait).
   */
  public int coalesce(Duration window, int perCall, int limit) {
    Boolean due = jdbc.queryForObject("SELECT min(created_at) <= now() - make_interval(secs => ?) "
        + "FROM cdn_purge_targets WHERE call_id IS NULL", Boolean.class, window.toMillis() / 1000.0);
    if (!Boolean.TRUE.equals(due)) {
      return 0;
    }
    Map<String, Set<String>> byKind = new LinkedHashMap<>();
    int[] taken = {0};
    jdbc.query("SELECT kind, target FROM cdn_purge_targets WHERE call_id IS NULL ORDER BY created_at LIMIT ? "
        + "FOR UPDATE", row -> {
          taken[0]++;
          byKind.computeIfAbsent(row.getString("kind"), k -> new LinkedHashSet<>()).add(row.getString("target"));
        }, limit);
    for (Map.Entry<String, Set<String>> kind : byKind.entrySet()) {
      List<String> targets = new ArrayList<>(kind.getValue());
      boolean everything = PurgeTarget.EVERYTHING.equals(kind.getKey());
      // prefixes: 100 a call on every plan (Enterprise's 500 is for URLs)
      int size = everything ? targets.size() : PurgeTarget.PREFIXES.equals(kind.getKey())
          ? Math.min(perCall, MAX_PREFIXES_PER_CALL) : perCall;
      Long[] callOf = new Long[targets.size()];
      for (int from = 0; from < targets.size(); from += size) {
        int to = Math.min(targets.size(), from + size);
        String[] chunk = targets.subList(from, to).toArray(String[]::new);
        Long callId = jdbc.queryForObject("INSERT INTO cdn_purge_calls (kind, targets) VALUES (?, ?) RETURNING call_id",
            Long.class, kind.getKey(), everything ? new String[0] : chunk);
        Arrays.fill(callOf, from, to, callId);
      }
      // one statement for the slice; a request of the same target recorded since is purged by its call too: the
      // call is made after it
      jdbc.update("""
          UPDATE cdn_purge_targets t SET call_id = a.call_id FROM unnest(?::text[], ?::bigint[]) AS a(target, call_id)
          WHERE t.call_id IS NULL AND t.kind = ? AND t.target = a.target""",
          targets.toArray(String[]::new), callOf, kind.getKey());
    }
    return taken[0];
  }

  /** The oldest call due now (one waiting for its backoff does not hold up the others). */
  public Optional<PurgeCall> nextDue() {
    return jdbc.query("""
        SELECT call_id, kind, targets, attempts FROM cdn_purge_calls
        WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY call_id LIMIT 1""",
        (row, n) -> new PurgeCall(row.getLong("call_id"), row.getString("kind"), strings(row.getArray("targets")),
            row.getInt("attempts"))).stream().findFirst();
  }

  /** When the next pending call is due, if any (the sender's wait). */
  public Optional<Instant> nextDueAt() {
    return jdbc.query("SELECT min(next_attempt_at) FROM cdn_purge_calls WHERE status = 'pending'",
        (row, n) -> Optional.ofNullable(row.getTimestamp(1)).map(Timestamp::toInstant)).stream().findFirst()
        .flatMap(o -> o);
  }

  public void sent(long callId) {
    jdbc.update("UPDATE cdn_purge_calls SET status = 'sent', sent_at = now(), attempts = attempts + 1 "
        + "WHERE call_id = ?", callId);
  }

  /** The call goes again after {@code wait}; {@code counted}: the attempt counts against max-attempts. */
  public void retryAfter(long callId, Duration wait, boolean counted, String reason) {
    jdbc.update("""
        UPDATE cdn_purge_calls SET next_attempt_at = now() + make_interval(secs => ?),
            attempts = attempts + CASE WHEN ? THEN 1 ELSE 0 END, failure_reason = ?
        WHERE call_id = ?""", wait.toMillis() / 1000.0, counted, reason, callId);
  }

  public void failed(long callId, String reason) {
    jdbc.update("UPDATE cdn_purge_calls SET status = 'failed', failure_reason = ?, attempts = attempts + 1 "
        + "WHERE call_id = ?", reason, callId);
  }

  /** The purges of the call's targets that it finished: all their calls sent, or one of them failed. */
  public List<FinishedPurge> finishedBy(long callId) {
    List<FinishedPurge> finished = new ArrayList<>();
    jdbc.query("""
        WITH touched AS (SELECT DISTINCT purge_id FROM cdn_purge_targets WHERE call_id = ?),
        summary AS (
            SELECT t.purge_id, count(*) AS total, count(*) FILTER (WHERE c.status = 'sent') AS sent,
                   count(*) FILTER (WHERE c.status = 'failed') AS failed, count(DISTINCT t.call_id) AS calls,
                   min(c.failure_reason) FILTER (WHERE c.status = 'failed') AS reason,
                   array_agg(t.target) FILTER (WHERE c.status = 'failed') AS failed_targets,
                   array_agg(t.target) FILTER (WHERE c.status = 'sent' AND t.kind = 'files') AS urls
            FROM cdn_purge_targets t JOIN touched USING (purge_id) LEFT JOIN cdn_purge_calls c USING (call_id)
            GROUP BY t.purge_id)
        UPDATE cdn_purges p SET status = CASE WHEN s.failed > 0 THEN 'failed' ELSE 'purged' END,
            failure_reason = s.reason, finished_at = now()
        FROM summary s
        WHERE p.purge_id = s.purge_id AND p.status = 'pending' AND (s.failed > 0 OR s.sent = s.total)
        RETURNING p.purge_id, p.status, p.answered, p.target_count, s.calls, s.reason, s.failed_targets, s.urls,
            p.correlation_id, p.causation_id""",
        row -> {
          finished.add(new FinishedPurge((UUID) row.getObject("purge_id"), "purged".equals(row.getString("status")),
              row.getBoolean("answered"), row.getInt("target_count"), row.getInt("calls"), row.getString("reason"),
              strings(row.getArray("failed_targets")), strings(row.getArray("urls")), row.getString("correlation_id"),
              row.getString("causation_id")));
        }, callId);
    return finished;
  }

  private static List<String> strings(Array array) throws java.sql.SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }
}
