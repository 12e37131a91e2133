package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PhotobombMessage;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;
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

  // One statement per batch; the rows' ctids say what to delete: the outbox needs no index at all.
  private static final String INSERT = """
      INSERT INTO outbox (id, topic, aggregate_id, type, source, payload, correlation_id, causation_id, ce_time)
      SELECT e.id, e.topic, e.aggregate_id, e.type, e.source, e.payload::jsonb, e.correlation_id, e.causation_id, ?
      FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
          AS e(id, topic, aggregate_id, type, source, payload, correlation_id, causation_id)
      RETURNING ctid::text""";
  /**
   * ce_time as the relay publishes it, the text Debezium made of the former timestamptz column: RFC 3339 in UTC
   * with microseconds. Formatted here once per batch, so that the relay copies text instead of parsing a time.
   */
  static final DateTimeFormatter CE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  // A row's ctid stays its own until its transaction ends: no other transaction can update or vacuum it before.
  private static final String DELETE = "DELETE FROM outbox WHERE ctid = ANY (?::tid[])";

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
        correlationId == null ? id.toString() : correlationId, causationId);
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
    // one time for the batch, as now() gave one per transaction
    String time = CE_TIME.format(clock.instant());
    List<String> rows = jdbc.execute((Connection connection) -> {
      try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
        insert.setString(1, time);
        insert.setArray(2, connection.createArrayOf("uuid", events.stream().map(OutboxEvent::id).toArray()));
        insert.setArray(3, texts(connection, events, OutboxEvent::topic));
        insert.setArray(4, texts(connection, events, OutboxEvent::aggregateId));
        insert.setArray(5, texts(connection, events, OutboxEvent::type));
        insert.setArray(6, texts(connection, events, OutboxEvent::source));
        insert.setArray(7, texts(connection, events, OutboxEvent::payload));
        insert.setArray(8, texts(connection, events, OutboxEvent::correlationId));
        insert.setArray(9, texts(connection, events, OutboxEvent::causationId));
        List<String> ctids = new ArrayList<>(events.size());
        try (ResultSet inserted = insert.executeQuery()) {
          while (inserted.next()) {
            ctids.add(inserted.getString(1));
          }
        }
        return ctids;
      }
    });
    jdbc.update(DELETE, ps -> ps.setArray(1, ps.getConnection().createArrayOf("text", rows.toArray())));
  }

  private static Array texts(Connection connection, List<OutboxEvent> events, Function<OutboxEvent, String> field)
      throws SQLException {
    return connection.createArrayOf("text", events.stream().map(field).toArray());
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
