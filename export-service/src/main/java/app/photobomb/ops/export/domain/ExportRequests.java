package app.photobomb.ops.export.domain;

import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.events.UserExportFailed;
import app.photobomb.ops.common.events.UserExportRequested;
import app.photobomb.ops.common.messaging.HandlingContext;
import app.photobomb.ops.export.config.ExportProperties;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * The rules of asking for an export (runbook task 8): only the user or an operator may ask, only for an account
 * that still exists (a soft-deleted one in its grace period included), once per exportId. Accepted requests are
 * queued for a worker; refused ones end at once in UserExportFailed. Runs inside the handler's transaction.
 */
@Service
public class ExportRequests {

  private static final Logger log = LoggerFactory.getLogger(ExportRequests.class);

  private final Exports exports;
  private final JdbcTemplate jdbc;
  private final AuditLog audit;
  private final ExportProperties properties;

  public ExportRequests(Exports exports, JdbcTemplate jdbc, AuditLog audit, ExportProperties properties) {
    this.exports = exports;
    this.jdbc = jdbc;
    this.audit = audit;
    this.properties = properties;
  }

  public void request(UserExportRequested command, HandlingContext context) {
    if (exports.exists(command.exportId())) {
      log.info("export {} was asked for already; this request changes nothing", command.exportId());
      return;
    }
    String correlationId = context.envelope().correlationId();
    String causationId = context.envelope().id();
    String refusal = refusal(command);
    if (refusal != null) {
      exports.insert(command.exportId(), command.userId(), command.requestedBy(), "failed", refusal, correlationId,
          causationId);
      audit.record(command.userId(), "data_export_refused", command.requestedBy(),
          Map.of("export_id", command.exportId().toString(), "reason", refusal));
      context.emit(new UserExportFailed(command.exportId(), command.userId(), refusal));
      return;
    }
    exports.insert(command.exportId(), command.userId(), command.requestedBy(), "queued", null, correlationId,
        causationId);
    audit.record(command.userId(), "data_export_requested", command.requestedBy(),
        Map.of("export_id", command.exportId().toString()));
  }

  private String refusal(UserExportRequested command) {
    String requestedBy = command.requestedBy().trim();
    boolean self = command.userId().toString().equalsIgnoreCase(requestedBy);
    if (!self && !properties.operators().contains(requestedBy)) {
      return "forbidden";
    }
    boolean known = jdbc.queryForObject("SELECT count(*) FROM users WHERE user_id = ?", Integer.class,
        command.userId()) > 0;
    return known ? null : "unknown_user";
  }
}
