package app.photobomb.ops.benchmarks;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.ScaleWorkersRequested;
import app.photobomb.ops.common.events.WorkersScaled;
import app.photobomb.ops.common.messaging.HandlingContext;
import app.photobomb.ops.common.messaging.InboxConsumers;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.Message;

/** A service as small as a real one can be: one state row per command and one event, through the core. */
@SpringBootApplication
public class BenchmarkApplication {

  static final String STATE_TABLE = """
      CREATE TABLE IF NOT EXISTS bench_scale_requests (
          message_id text PRIMARY KEY,
          deployment text NOT NULL,
          replicas   integer NOT NULL)""";

  @Bean
  Consumer<Message<List<byte[]>>> scaleWorkersRequested(InboxConsumers consumers, JdbcTemplate jdbc) {
    return consumers.of("benchmark", MessageCatalog.SCALE_WORKERS_REQUESTED,
        (ScaleWorkersRequested command, HandlingContext context) -> {
          jdbc.update("INSERT INTO bench_scale_requests (message_id, deployment, replicas) VALUES (?, ?, ?)",
              context.envelope().id(), command.deployment(), command.replicas());
          context.emit(new WorkersScaled(command.deployment(), command.namespace(), 1, command.replicas(),
              command.reason()));
        });
  }
}
