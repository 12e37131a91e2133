package app.photobomb.ops.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The terminal says who did what: lines are labelled with their component, and servers' chatter stays in files. */
class LocalStackConsoleTest {

  @Test
  void threadsStartedByAComponentCarryItsLabelAndOthersAreLabelledByLogger() throws Exception {
    String label = Components.startAs("deletion-service", () -> {
      // e.g. a listener container's consumer thread, started while the service starts
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        return pool.submit(() -> Components.of("app.photobomb.ops.common.messaging.Outbox")).get();
      } finally {
        pool.shutdown();
      }
    });

    assertThat(label).isEqualTo("deletion-service");
    assertThat(Components.of("org.apache.kafka.controller.QuorumController")).isEqualTo("kafka");
    assertThat(Components.of("io.debezium.connector.postgresql.PostgresConnectorTask")).isEqualTo("outbox-relay");
    assertThat(Components.of("app.photobomb.ops.localstack.LocalStack")).isEqualTo("local-stack");
  }

  @Test
  void terminalShowsActivityAndWarningsButNotServerInfoUnlessVerbose() {
    ConsoleFilter filter = new ConsoleFilter();

    assertThat(filter.decide(event("photobomb.activity", Level.INFO))).isEqualTo(FilterReply.NEUTRAL);
    assertThat(filter.decide(event("app.photobomb.ops.deletion.domain.HardDeleter", Level.INFO)))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(filter.decide(event("org.apache.kafka.clients.producer.ProducerConfig", Level.INFO)))
        .isEqualTo(FilterReply.DENY);
    assertThat(filter.decide(event("org.springframework.boot.SpringApplication", Level.INFO)))
        .isEqualTo(FilterReply.DENY);
    assertThat(filter.decide(event("app.photobomb.ops.relay.OutboxRelay", Level.DEBUG))).isEqualTo(FilterReply.DENY);
    assertThat(filter.decide(event("io.debezium.embedded.EmbeddedEngine", Level.WARN)))
        .isEqualTo(FilterReply.NEUTRAL);

    LoggingEvent firstSendToANewTopic = event("org.apache.kafka.clients.NetworkClient", Level.WARN,
        "[Producer clientId=producer-1] ... {user-hard-deleted=UNKNOWN_TOPIC_OR_PARTITION}");
    assertThat(filter.decide(firstSendToANewTopic)).as("an expected warning stays in the file")
        .isEqualTo(FilterReply.DENY);

    filter.setVerbose(true);
    assertThat(filter.decide(event("org.apache.kafka.clients.producer.ProducerConfig", Level.INFO)))
        .isEqualTo(FilterReply.NEUTRAL);
  }

  @Test
  void backlogMonitorRepeatsStayInTheFileWhileABacklogThatScaledIsShown() {
    ConsoleFilter filter = new ConsoleFilter();

    assertThat(filter.decide(event("photobomb.activity", Level.INFO, "-> QueueBacklogCleared high_priority_queue")))
        .isEqualTo(FilterReply.DENY);
    assertThat(filter.decide(event("photobomb.activity", Level.INFO,
        "QueueBacklogCleared high_priority_queue handled"))).isEqualTo(FilterReply.DENY);
    assertThat(filter.decide(event("photobomb.activity", Level.INFO,
        "QueueBacklogDetected batch_processing_queue handled -> WorkersScaled thumbnail-worker")))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(filter.decide(event("app.photobomb.ops.scaling.domain.Scaler", Level.INFO,
        "photobomb/thumbnail-worker replicas 3 -> 12: backlog: queue-backlog-detected batch_processing_queue at depth "
            + "200 asks for 12 replicas"))).isEqualTo(FilterReply.NEUTRAL);
  }

  private static LoggingEvent event(String logger, Level level) {
    return event(logger, level, "message");
  }

  private static LoggingEvent event(String logger, Level level, String message) {
    LoggerContext context = new LoggerContext();
    return new LoggingEvent(logger, context.getLogger(logger), level, message, null, null);
  }
}
