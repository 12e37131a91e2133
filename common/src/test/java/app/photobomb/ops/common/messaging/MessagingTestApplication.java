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
 * emits WorkersScaled,
 * failing on purpose when the reason is "boom".
 */
@SpringBootApplication
public class MessagingTestApplication {

  /** Counts handler invocations, to see retries. */
  @Bean
  AtomicInteger boomAttempts() {
    return new AtomicInteger();
  }

  @Bean
  Consumer<Message<List<byte[]>>> scaleWorkersRequested(InboxConsumers consumers, JdbcTemplate jdbc,
      AuditLog auditLog, AtomicInteger boomAttempts) {
    return consumers.of("messaging-e2e", MessageCatalog.SCALE_WORKERS_REQUESTED,
        (ScaleWorkersRequested command, HandlingContext context) -> {
          jdbc.update("INSERT INTO test_scale_requests (message_id, deployment, replicas) VALUES (?, ?, ?)",
              context.envelope().id(), command.deployment(), command.replicas());
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
}
