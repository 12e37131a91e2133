package app.photobomb.ops.common.messaging;

import java.sql.Array;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/** Remembers which messages each consumer has handled, in the transaction of the handling. */
public class Inbox {

  private static final String CLAIM = """
      INSERT INTO inbox (consumer, message_id, message_type)
      SELECT ?, m.id, m.type FROM unnest(?::text[], ?::text[]) AS m(id, type)
      ON CONFLICT DO NOTHING
      RETURNING message_id""";

  private final JdbcTemplate jdbc;

  public Inbox(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Records the messages as handled by the consumer and returns the ids that had not been handled before. */
  public Set<String> claim(String consumer, List<Envelope> messages) {
    String[] ids = messages.stream().map(Envelope::id).toArray(String[]::new);
    String[] types = messages.stream().map(Envelope::type).toArray(String[]::new);
    return jdbc.execute((java.sql.Connection connection) -> {
      Array idArray = connection.createArrayOf("text", ids);
      Array typeArray = connection.createArrayOf("text", types);
      try (var statement = connection.prepareStatement(CLAIM)) {
        statement.setString(1, consumer);
        statement.setArray(2, idArray);
        statement.setArray(3, typeArray);
        Set<String> claimed = new HashSet<>();
        try (var rows = statement.executeQuery()) {
          while (rows.next()) {
            claimed.add(rows.getString(1));
          }
        }
        return claimed;
      }
    });
  }
}
