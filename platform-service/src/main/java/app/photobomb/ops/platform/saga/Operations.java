package app.photobomb.ops.platform.saga;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The sagas' state in platform_operations. */
@Repository
class Operations {

  private static final TypeReference<Map<String, String>> FACTS = new TypeReference<>() { };

  private final JdbcTemplate jdbc;
  private final JsonMapper json = JsonMapper.builder().build();

  Operations(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Records a new operation; false when one with this id exists already (the command came again). */
  boolean insert(UUID operationId, String saga, String command, String correlationId, Instant firstRunAt) {
    return jdbc.update("""
        INSERT INTO platform_operations (operation_id, saga, command, correlation_id, status, next_run_at)
        VALUES (?, ?, ?::jsonb, ?, 'running', ?) ON CONFLICT (operation_id) DO NOTHING""",
        operationId, saga, command, correlationId, Timestamp.from(firstRunAt)) == 1;
  }

  /** Locks the operation due first that no other replica holds, for the caller's transaction. */
  Optional<Operation> claimDue(Instant now) {
    return jdbc.query("""
        SELECT * FROM platform_operations
        WHERE status IN ('running', 'compensating') AND next_run_at <= ?
        ORDER BY next_run_at LIMIT 1 FOR UPDATE SKIP LOCKED""", this::map, Timestamp.from(now)).stream().findFirst();
  }

  void save(Operation operation, Instant nextRunAt) {
    boolean finished = switch (operation.status()) {
      case COMPLETED, FAILED, ROLLED_BACK -> true;
      default -> false;
    };
    jdbc.update("""
        UPDATE platform_operations SET status = ?, step_index = ?, facts = ?::jsonb, attempts = ?,
            step_started_at = ?, next_run_at = ?, failed_step = ?, reason = ?, updated_at = now(),
            finished_at = CASE WHEN ? THEN now() END
        WHERE operation_id = ?""",
        operation.status().column(), operation.stepIndex(), json.writeValueAsString(operation.facts()),
        operation.attempts(), operation.stepStartedAt() == null ? null : Timestamp.from(operation.stepStartedAt()),
        Timestamp.from(nextRunAt), operation.failedStep(), operation.reason(), finished, operation.operationId());
  }

  private Operation map(ResultSet row, int index) throws SQLException {
    Timestamp started = row.getTimestamp("step_started_at");
    return new Operation(row.getObject("operation_id", UUID.class), row.getString("saga"), row.getString("command"),
        row.getString("correlation_id"), Operation.Status.valueOf(row.getString("status").toUpperCase()),
        row.getInt("step_index"), new HashMap<>(json.readValue(row.getString("facts"), FACTS)), row.getInt("attempts"),
        started == null ? null : started.toInstant(), row.getString("failed_step"), row.getString("reason"));
  }
}
