package app.photobomb.ops.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.testsupport.KafkaTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stack keeps its state across runs: work interrupted by a stop is finished by the next start, once. */
class LocalStackRestartTest {

  /** Every version listing of the object phase takes this shared lock first; the test holds it to freeze them. */
  private static final long HOLD = 4242;

  @TempDir
  Path directory;

  @Test
  void hardDeleteStoppedInItsObjectPhaseFinishesOnceAfterARestart() throws Exception {
    LocalStackSettings settings = LocalStackSettings.anyFreePorts(directory).withDemoPhotos(12)
        .withServiceProperties(Map.of("photobomb.deletion.grace", "0s",
            "photobomb.deletion.scheduler-interval", "1s", "photobomb.deletion.claim-lease", "2s"));
    UUID userId;
    List<Path> files;
    try (LocalStack first = LocalStack.start(settings)) {
      assertThat(first.demo().created()).isTrue();
      userId = first.demo().users().get(1).userId();
      files = filesOf(first, userId);
      assertThat(files).hasSize(4 * 4).allMatch(Files::exists);
      Connection holder = connect(first);
      try {
        holdObjectListings(holder);
        CommandSender.send(first.endpoints().kafkaBootstrapServers(), MessageCatalog.USER_DELETION_REQUESTED,
            userId.toString(), UUID.randomUUID().toString(),
            ("{\"userId\":\"" + userId + "\",\"requestedBy\":\"test\",\"reason\":\"restart test\"}")
                .getBytes(StandardCharsets.UTF_8));
        // The rows are gone and the object phase has begun: its listings wait on the held lock.
        await().atMost(Duration.ofSeconds(60)).until(() ->
            "deleting_objects".equals(text(first, "SELECT status FROM user_deletions WHERE user_id = '" + userId + "'"))
                && count(first, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") > 0);
        assertThat(files).as("no object deleted before the stop").allMatch(Files::exists);
      } finally {
        // Stopped in the middle: the servers go down under the waiting listings, as in a crash.
        first.close();
        closeQuietly(holder);
      }
    }

    try (LocalStack second = LocalStack.start(settings)) {
      assertThat(second.demo().created()).as("demo data is loaded once, not on every start").isFalse();
      assertThat(second.demo().users()).extracting(DemoSummary.DemoUser::userId).doesNotContain(userId).hasSize(2);
      try (KafkaTestClient kafka = new KafkaTestClient(second.endpoints().kafkaBootstrapServers())) {
        kafka.await(MessageCatalog.USER_HARD_DELETED.topic(), r -> userId.toString().equals(r.key()),
            Duration.ofSeconds(90));
        List<ConsumerRecord<String, byte[]>> deleted = kafka.readAll(MessageCatalog.USER_HARD_DELETED.topic());
        assertThat(deleted).filteredOn(r -> userId.toString().equals(r.key())).as("user-hard-deleted once")
            .hasSize(1);
        assertThat(kafka.readAll(MessageCatalog.USER_DELETION_REQUESTED.topic()))
            .as("the request sent before the restart is still in Kafka's log").hasSize(1);
      }
      assertThat(files).as("every object of the user is gone").noneMatch(Files::exists);
      assertThat(count(second, "SELECT count(*) FROM audit_logs WHERE user_id = '" + userId
          + "' AND action = 'account_deleted'")).as("the database phase ran once").isEqualTo(1);
      assertThat(text(second, "SELECT status FROM user_deletions WHERE user_id = '" + userId + "'"))
          .isEqualTo("deleted");
    }
  }

  private static void holdObjectListings(Connection holder) throws SQLException {
    try (Statement statement = holder.createStatement()) {
      statement.execute("""
          CREATE FUNCTION hold_object_listing() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN PERFORM pg_advisory_xact_lock_shared(%d); RETURN NEW; END $$""".formatted(HOLD));
      statement.execute("""
          CREATE TRIGGER hold_object_listing BEFORE INSERT ON deletion_tasks FOR EACH ROW
          WHEN (NEW.kind = 'version') EXECUTE FUNCTION hold_object_listing()""");
      statement.execute("SELECT pg_advisory_lock(" + HOLD + ")");
    }
  }

  private static List<Path> filesOf(LocalStack stack, UUID userId) throws SQLException {
    List<Path> files = new ArrayList<>();
    try (Connection connection = connect(stack); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT bucket, object_key FROM photo_files WHERE user_id = '" + userId + "'")) {
      while (rows.next()) {
        files.add(stack.objectStoreRoot().resolve(rows.getString(1)).resolve(rows.getString(2)));
      }
    }
    return files;
  }

  private static Connection connect(LocalStack stack) throws SQLException {
    return DriverManager.getConnection(stack.jdbcUrl(), LocalStack.APP_USER, LocalStack.APP_PASSWORD);
  }

  private static long count(LocalStack stack, String sql) throws SQLException {
    return Long.parseLong(text(stack, sql));
  }

  private static String text(LocalStack stack, String sql) throws SQLException {
    try (Connection connection = connect(stack); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      // PostgreSQL is already down with the stack; the session went with it.
    }
  }
}
