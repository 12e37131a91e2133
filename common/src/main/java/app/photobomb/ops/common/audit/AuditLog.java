package app.photobomb.ops.common.audit;

import app.photobomb.ops.common.messaging.PayloadCodec;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Writes an audit_logs row for a destructive or privileged action, in the transaction of that action. */
public class AuditLog {

  private final JdbcTemplate jdbc;
  private final PayloadCodec codec;

  public AuditLog(JdbcTemplate jdbc, PayloadCodec codec) {
    this.jdbc = jdbc;
    this.codec = codec;
  }

  /** Records that {@code actor} did {@code action} to the user's data; details are stored as jsonb. */
  public void record(UUID userId, String action, String actor, Map<String, ?> details) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("audit rows must be written in the transaction of the action they record");
    }
    jdbc.update("INSERT INTO audit_logs (user_id, action, actor, details) VALUES (?, ?, ?, ?::jsonb)",
        userId, action, actor, codec.toJson(details));
  }
}
