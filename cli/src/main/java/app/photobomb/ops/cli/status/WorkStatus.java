package app.photobomb.ops.cli.status;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Work in progress in the ops tables: exports queued or running, deletions due or deleting objects, reprocess
 * batches not completed, each with its age. An export older than the runbook's 30 minutes is unhealthy.
 */
final class WorkStatus {

  static final Duration EXPORT_BOUND = Duration.ofMinutes(30);
  private static final int LIMIT = 20;

  private static final String EXPORTS = """
      SELECT export_id::text, status, extract(epoch FROM now() - requested_at)::bigint,
             coalesce(photo_count::text, '?') || ' photos, attempt ' || attempts
      FROM exports WHERE status IN ('queued', 'running') ORDER BY requested_at LIMIT ?""";
  private static final String DELETIONS = """
      SELECT user_id::text, status, extract(epoch FROM now() - requested_at)::bigint,
             'due ' || to_char(hard_delete_after AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC'
      FROM user_deletions
      WHERE status = 'deleting_objects' OR status = 'scheduled' AND hard_delete_after <= now()
      ORDER BY requested_at LIMIT ?""";
  private static final String SCHEDULED = """
      SELECT count(*) FROM user_deletions WHERE status = 'scheduled' AND hard_delete_after > now()""";
  private static final String BATCHES = """
      SELECT batch_id::text, status, extract(epoch FROM now() - requested_at)::bigint,
             job_type || ': ' || done_count || ' done, ' || failed_count || ' failed of ' || job_count
      FROM reprocess_batches WHERE completed_at IS NULL AND status IN ('enqueuing', 'enqueued', 'cancelled')
      ORDER BY requested_at LIMIT ?""";

  private final String url;
  private final Properties credentials;

  WorkStatus(String url, String user, String password, Duration timeout) {
    this.url = url;
    this.credentials = new Properties();
    if (user != null) {
      credentials.setProperty("user", user);
    }
    if (password != null) {
      credentials.setProperty("password", password);
    }
    credentials.setProperty("connectTimeout", Long.toString(timeout.toSeconds()));
    credentials.setProperty("socketTimeout", Long.toString(timeout.toSeconds()));
    credentials.setProperty("ApplicationName", "photobomb-ops status");
  }

  List<StatusRow> rows() {
    if (url == null) {
      return List.of(StatusRow.ok("database", "ops tables", "NOT CHECKED",
          "no JDBC URL: set --jdbc-url or PHOTOBOMB_JDBC_URL"));
    }
    try (Connection connection = DriverManager.getConnection(url, credentials)) {
      connection.setReadOnly(true);
      List<StatusRow> rows = new ArrayList<>();
      rows.addAll(query(connection, "export", EXPORTS));
      rows.addAll(query(connection, "deletion", DELETIONS));
      try (PreparedStatement count = connection.prepareStatement(SCHEDULED); ResultSet result = count.executeQuery()) {
        result.next();
        rows.add(StatusRow.ok("deletion", "in grace period", Long.toString(result.getLong(1)), "scheduled, not due"));
      }
      rows.addAll(query(connection, "batch", BATCHES));
      return rows;
    } catch (SQLException e) {
      return List.of(StatusRow.unreachable("database", "ops tables", e));
    }
  }

  private static List<StatusRow> query(Connection connection, String kind, String sql) throws SQLException {
    List<StatusRow> rows = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      query.setInt(1, LIMIT + 1);
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          if (rows.size() == LIMIT) {
            rows.add(StatusRow.ok(kind, "...", "", "more than " + LIMIT + ", oldest first"));
            break;
          }
          Duration age = Duration.ofSeconds(result.getLong(3));
          String detail = "age " + age(age) + ", " + result.getString(4);
          boolean overdue = kind.equals("export") && age.compareTo(EXPORT_BOUND) > 0;
          rows.add(new StatusRow(kind, result.getString(1), result.getString(2),
              overdue ? detail + ", older than the runbook's 30 min" : detail, !overdue));
        }
      }
    }
    return rows;
  }

  /** 45s, 12m 5s, 3h 20m, 4d 2h. */
  static String age(Duration age) {
    long seconds = age.toSeconds();
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return age.toMinutesPart() + "m " + age.toSecondsPart() + "s";
    }
    if (seconds < 86_400) {
      return age.toHoursPart() + "h " + age.toMinutesPart() + "m";
    }
    return age.toDays() + "d " + age.toHoursPart() + "h";
  }
}
