package app.photobomb.ops.benchmarks;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.ScaleWorkersRequested;
import app.photobomb.ops.common.events.WorkersScaled;
import app.photobomb.ops.common.messaging.BatchMessageHandler;
import app.photobomb.ops.common.messaging.InboxConsumers;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.Message;

/** A service as small as a real one can be: one state row per command and one event, written batch-wise. */
@SpringBootApplication
public class BenchmarkApplication {

  static final String STATE_TABLE = """
      CREATE TABLE IF NOT EXISTS bench_scale_requests (
          message_id text PRIMARY KEY,
          deployment text NOT NULL,
          replicas   integer NOT NULL)""";

  @Bean
  Consumer<Message<List<byte[]>>> scaleWorkersRequested(InboxConsumers consumers, JdbcTemplate jdbc) {
    return consumers.ofBatches("benchmark", MessageCatalog.SCALE_WORKERS_REQUESTED,
        (List<BatchMessageHandler.Incoming<ScaleWorkersRequested>> batch) -> {
          jdbc.batchUpdate("INSERT INTO bench_scale_requests (message_id, deployment, replicas) VALUES (?, ?, ?)",
              batch, batch.size(), (statement, incoming) -> {
                statement.setString(1, incoming.context().envelope().id());
                statement.setString(2, incoming.message().deployment());
                statement.setInt(3, incoming.message().replicas());
              });
          for (BatchMessageHandler.Incoming<ScaleWorkersRequested> incoming : batch) {
            ScaleWorkersRequested command = incoming.message();
            incoming.context().emit(new WorkersScaled(command.deployment(), command.namespace(), 1,
                command.replicas(), command.reason()));
          }
        });
  }
}
