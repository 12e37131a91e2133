package app.photobomb.ops.common.messaging;

import java.sql.Array;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Remembers which messages each consumer has handled, in the transaction of the handling. A message is known by
 * its ce_source and ce_id together: CloudEvents ids are unique per source only.
 */
public class Inbox {

  private static final String CLAIM = """
      INSERT INTO inbox (consumer, message_source, message_id, message_type)
      SELECT ?, m.source, m.id, m.type FROM unnest(?::text[], ?::text[], ?::text[]) AS m(source, id, type)
      ON CONFLICT DO NOTHING
      RETURNING message_source, message_id""";

  private final JdbcTemplate jdbc;

  public Inbox(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Records the messages as handled by the consumer and returns the keys of those not handled before. */
  public Set<Key> claim(String consumer, List<Envelope> messages) {
    String[] sources = messages.stream().map(Envelope::source).toArray(String[]::new);
    String[] ids = messages.stream().map(Envelope::id).toArray(String[]::new);
    String[] types = messages.stream().map(Envelope::type).toArray(String[]::new);
    return jdbc.execute((java.sql.Connection connection) -> {
      Array sourceArray = connection.createArrayOf("text", sources);
      Array idArray = connection.createArrayOf("text", ids);
      Array typeArray = connection.createArrayOf("text", types);
      try (var statement = connection.prepareStatement(CLAIM)) {
        statement.setString(1, consumer);
        statement.setArray(2, sourceArray);
        statement.setArray(3, idArray);
        statement.setArray(4, typeArray);
        Set<Key> claimed = new HashSet<>();
        try (var rows = statement.executeQuery()) {
          while (rows.next()) {
            claimed.add(new Key(rows.getString(1), rows.getString(2)));
          }
        }
        return claimed;
      }
    });
  }

  /** What identifies a message: its source and its id. */
  public record Key(String source, String id) {

    static Key of(Envelope envelope) {
      return new Key(envelope.source(), envelope.id());
    }
  }
}
