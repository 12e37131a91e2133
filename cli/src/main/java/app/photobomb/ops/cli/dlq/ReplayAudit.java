package app.photobomb.ops.cli.dlq;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The ops table {@code dead_letter_replays}: who replayed which dead letter, when, and where it went. A dead letter
 * is the same one as long as its ce_id is (the core dead-letters a failing replay again, under a new DLQ offset); one
 * without a ce_id is known by its DLQ offset.
 */
final class ReplayAudit implements AutoCloseable {

  private static final String LAST = """
      SELECT operator, replayed_at FROM dead_letter_replays
      WHERE dlq_topic = ? AND (ce_id = ? OR ce_id IS NULL AND ? IS NULL AND dlq_partition = ? AND dlq_offset = ?)
      ORDER BY replayed_at DESC LIMIT 1""";
  private static final String INSERT = """
      INSERT INTO dead_letter_replays (dlq_topic, dlq_partition, dlq_offset, ce_id, ce_type, original_topic,
                                       replay_partition, replay_offset, operator, again)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

  /** An earlier replay of a dead letter. */
  record Replay(String operator, Instant at) {
  }

  /** Publishes one dead letter and waits for the broker's acknowledgement. */
  interface Publisher {
    RecordMetadata publish(DeadLetter letter) throws Exception;
  }

  private final Connection connection;

  ReplayAudit(String url, String user, String password) throws SQLException {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    properties.setProperty("ApplicationName", "photobomb-ops dlq replay");
    this.connection = DriverManager.getConnection(url, properties);
  }

  Optional<Replay> last(DeadLetter letter) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(LAST)) {
      query.setString(1, letter.dlqTopic());
      query.setString(2, letter.ceId());
      query.setString(3, letter.ceId());
      query.setInt(4, letter.partition());
      query.setLong(5, letter.offset());
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(new Replay(row.getString(1), row.getTimestamp(2).toInstant()))
            : Optional.empty();
      }
    }
  }

  /**
   * Replays the letter unless it was replayed before (and {@code again} is false): under a transaction lock on the
   * letter, so that two operators replaying at once publish it once; the row commits after the broker's ack.
   *
   * @return where it went, or empty when it had been replayed before
   */
  Optional<RecordMetadata> replay(DeadLetter letter, String operator, boolean again, Publisher publisher)
      throws Exception {
    connection.setAutoCommit(false);
    try {
      try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
        lock.setString(1, letter.dlqTopic() + "/" + (letter.ceId() != null ? letter.ceId()
            : letter.partition() + "@" + letter.offset()));
        lock.execute();
      }
      if (!again && last(letter).isPresent()) {
        connection.rollback();
        return Optional.empty();
      }
      RecordMetadata sent = publisher.publish(letter);
      try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
        insert.setString(1, letter.dlqTopic());
        insert.setInt(2, letter.partition());
        insert.setLong(3, letter.offset());
        insert.setString(4, letter.ceId());
        insert.setString(5, letter.ceType());
        insert.setString(6, sent.topic());
        insert.setInt(7, sent.partition());
        insert.setLong(8, sent.offset());
        insert.setString(9, operator);
        insert.setBoolean(10, again);
        insert.executeUpdate();
      }
      connection.commit();
      return Optional.of(sent);
    } catch (Exception e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
