package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.ScaleWorkersRequested;
import app.photobomb.ops.common.events.WorkersScaled;
import app.photobomb.ops.common.audit.AuditLog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.Message;

/**
 * A minimal service on the messaging core: it records each scale request in a table and the audit log, and
 * emits WorkersScaled. The reason of a request steers failures: "boom" fails on purpose, "limit" fails with a
 * program-limit error of PostgreSQL (SQLSTATE class 54, a record's fault), "outage" fails twice with a
 * connection error (class 08, the database's fault) and then succeeds.
 */
@SpringBootApplication
public class MessagingTestApplication {

  static final int OUTAGE_FAILURES = 2;

  /** Counts handler invocations, to see retries. */
  @Bean
  AtomicInteger boomAttempts() {
    return new AtomicInteger();
  }

  /** Counts attempts of requests whose reason is "limit" or "outage". */
  @Bean
  Map<String, AtomicInteger> sqlStateAttempts() {
    return Map.of("limit", new AtomicInteger(), "outage", new AtomicInteger());
  }

  @Bean
  Consumer<Message<List<byte[]>>> scaleWorkersRequested(InboxConsumers consumers, JdbcTemplate jdbc,
      AuditLog auditLog, AtomicInteger boomAttempts, Map<String, AtomicInteger> sqlStateAttempts) {
    return consumers.of("messaging-e2e", MessageCatalog.SCALE_WORKERS_REQUESTED,
        (ScaleWorkersRequested command, HandlingContext context) -> {
          if ("limit".equals(command.reason())) {
            sqlStateAttempts.get("limit").incrementAndGet();
            raise(jdbc, "54000", "program limit exceeded on purpose");
          }
          if ("outage".equals(command.reason())
              && sqlStateAttempts.get("outage").incrementAndGet() <= OUTAGE_FAILURES) {
            raise(jdbc, "08006", "connection failure on purpose");
          }
          // ce_ids are unique per source only, so the row names both
          jdbc.update("INSERT INTO test_scale_requests (message_id, deployment, replicas) VALUES (?, ?, ?)",
              context.envelope().source() + " " + context.envelope().id(), command.deployment(),
              command.replicas());
          auditLog.record(null, "workers_scale_requested", command.requestedBy(),
              Map.of("deployment", command.deployment(), "replicas", command.replicas()));
          context.emit(new WorkersScaled(command.deployment(), command.namespace(), 1, command.replicas(),
              command.reason()));
          if ("boom".equals(command.reason())) {
            boomAttempts.incrementAndGet();
            throw new IllegalStateException("the handler failed on purpose");
          }
        });
  }

  private static void raise(JdbcTemplate jdbc, String sqlState, String message) {
    jdbc.execute("DO $$ BEGIN RAISE EXCEPTION '" + message + "' USING ERRCODE = '" + sqlState + "'; END $$");
  }
}
