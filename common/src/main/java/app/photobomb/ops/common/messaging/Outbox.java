package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PhotobombMessage;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes events to the outbox table inside the caller's transaction; the relay publishes them if and only
 * if that transaction commits. The rows are deleted again in the same transaction (Debezium's outbox pattern):
 * the write-ahead log still carries each insert to the relay, the table stays empty, and a relay that lost its
 * position has no history in the table to publish a second time.
 */
public class Outbox {

  private static final String INSERT = """
      INSERT INTO outbox (id, topic, aggregate_id, type, source, payload, correlation_id, causation_id, created_at)
      VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)""";
  private static final String DELETE = "DELETE FROM outbox WHERE id = ANY (?)";

  private final JdbcTemplate jdbc;
  private final PayloadCodec codec;
  private final TopicNames topics;
  private final String source;
  private final Clock clock;

  public Outbox(JdbcTemplate jdbc, PayloadCodec codec, TopicNames topics, String source, Clock clock) {
    this.jdbc = jdbc;
    this.codec = codec;
    this.topics = topics;
    this.source = source;
    this.clock = clock;
  }

  /** Builds the outbox row of an event; causationId is the ce_id of the message that led to it, if any. */
  public OutboxEvent toEvent(PhotobombMessage payload, String correlationId, String causationId) {
    MessageType<?> type = MessageCatalog.forPayload(payload.getClass());
    UUID id = UUID.randomUUID();
    return new OutboxEvent(id, topics.of(type), payload.key(), type.ceType(), source, codec.encode(payload),
        correlationId == null ? id.toString() : correlationId, causationId, clock.instant());
  }

  /** Emits one event that starts a new flow or continues the given correlation id. */
  public void emit(PhotobombMessage payload, String correlationId) {
    write(List.of(toEvent(payload, correlationId, null)));
  }

  public void write(List<OutboxEvent> events) {
    insert(events);
    logAfterCommit(events);
  }

  /** Writes the events a handled message caused; InboxBatchConsumer tells them with the message. */
  void writeCaused(List<OutboxEvent> events) {
    insert(events);
  }

  private void insert(List<OutboxEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("outbox events must be written in the transaction of the state they report");
    }
    jdbc.batchUpdate(INSERT, events, events.size(), (ps, e) -> {
      ps.setObject(1, e.id());
      ps.setString(2, e.topic());
      ps.setString(3, e.aggregateId());
      ps.setString(4, e.type());
      ps.setString(5, e.source());
      ps.setString(6, e.payload());
      ps.setString(7, e.correlationId());
      ps.setString(8, e.causationId());
      ps.setTimestamp(9, Timestamp.from(e.createdAt()));
    });
    UUID[] ids = events.stream().map(OutboxEvent::id).toArray(UUID[]::new);
    jdbc.update(DELETE, ps -> ps.setArray(1, ps.getConnection().createArrayOf("uuid", ids)));
  }

  /** One activity line per event once its transaction committed (an event of a rolled-back one never happened). */
  private static void logAfterCommit(List<OutboxEvent> events) {
    if (events.isEmpty() || !Activity.log.isInfoEnabled()) {
      return;
    }
    List<OutboxEvent> written = List.copyOf(events);
    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
      @Override
      public void afterCommit() {
        written.forEach(event -> Activity.log.info("-> {}", Activity.describe(event)));
      }
    });
  }
}
