package app.photobomb.ops.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.testsupport.KafkaTestClient;
import java.io.IOException;
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
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack keeps its state across runs: work interrupted by a crash (kill -9 of the run command, no shutdown hook)
 * is finished by the next start, once. A crash is the harder case of a stop, so it is the one tested.
 */
class LocalStackRestartTest {

  /** Every version listing of the object phase takes this shared lock first; the test holds it to freeze them. */
  private static final long HOLD = 4242;

  @TempDir
  Path directory;

  @Test
  void hardDeleteKilledWithSigkillInItsObjectPhaseFinishesOnceAfterARestart() throws Exception {
    Path local = directory.resolve("local");
    Process stack = startStackProcess(local, directory.resolve("terminal.log"));
    UUID userId;
    List<Path> files;
    try {
      Properties endpoints = awaitEndpoints(stack, local);
      String jdbcUrl = endpoints.getProperty("jdbc.url");
      userId = UUID.fromString(text(jdbcUrl,
          "SELECT user_id FROM photo_files GROUP BY user_id ORDER BY user_id LIMIT 1"));
      files = filesOf(jdbcUrl, Path.of(endpoints.getProperty("object.store.root")), userId);
      assertThat(files).hasSize(4 * 4).allMatch(Files::exists);
      try (Connection holder = connect(jdbcUrl)) {
        holdObjectListings(holder);
        CommandSender.send(endpoints.getProperty("kafka.bootstrap.servers"), MessageCatalog.USER_DELETION_REQUESTED,
            userId.toString(), UUID.randomUUID().toString(),
            ("{\"userId\":\"" + userId + "\",\"requestedBy\":\"test\",\"reason\":\"kill test\"}")
                .getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(60)).until(() ->
            "deleting_objects".equals(text(jdbcUrl, "SELECT status FROM user_deletions WHERE user_id = '" + userId
                + "'")) && count(jdbcUrl, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                > 0);
        assertThat(files).as("no object deleted before the kill").allMatch(Files::exists);
        // kill -9: no shutdown hook runs; PostgreSQL and Redis, its child processes, stay up on their data.
        stack.destroyForcibly();
        assertThat(stack.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      stack.destroyForcibly();
    }

    LocalStackSettings settings = LocalStackSettings.anyFreePorts(local).withServiceProperties(Map.of(
        "photobomb.deletion.scheduler-interval", "1s", "photobomb.deletion.claim-lease", "2s"));
    assertFinishedOnceAfterARestart(settings, userId, files);
  }

  /** The run command in a JVM of its own, every port free, a zero grace, its terminal in a file of the directory. */
  private static Process startStackProcess(Path directory, Path terminal) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LocalStack.class.getName(), "--demo-photos", "12")
        .redirectErrorStream(true)
        .redirectOutput(terminal.toFile());
    Map<String, String> env = builder.environment();
    env.put("PHOTOBOMB_LOCAL_DIR", directory.toString());
    for (String port : List.of("LOCAL_KAFKA_PORT", "LOCAL_POSTGRES_PORT", "LOCAL_REDIS_PORT", "LOCAL_LINKS_PORT",
        "LOCAL_KUBERNETES_PORT", "LOCAL_CLOUDFLARE_PORT")) {
      env.put(port, "0");
    }
    for (LocalService service : LocalService.values()) {
      env.put(service.portVariable(), "0");
    }
    env.put("PHOTOBOMB_DELETION_GRACE", "0s");
    env.put("PHOTOBOMB_DELETION_SCHEDULER_INTERVAL", "1s");
    return builder.start();
  }

  /** The endpoints file, which the stack writes once everything is up. */
  private static Properties awaitEndpoints(Process stack, Path directory) throws IOException {
    Path file = directory.resolve("photobomb-local.properties");
    await().atMost(Duration.ofSeconds(180)).until(() -> Files.exists(file) || !stack.isAlive());
    assertThat(stack.isAlive()).as("the stack process is up (its terminal is in %s)", directory.getParent())
        .isTrue();
    Properties properties = new Properties();
    try (var reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    }
    return properties;
  }

  /** The next start finishes the interrupted hard delete: every object gone, one event, one database phase. */
  private static void assertFinishedOnceAfterARestart(LocalStackSettings settings, UUID userId, List<Path> files)
      throws Exception {
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

  private static List<Path> filesOf(String jdbcUrl, Path objectStoreRoot, UUID userId) throws SQLException {
    List<Path> files = new ArrayList<>();
    try (Connection connection = connect(jdbcUrl); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT bucket, object_key FROM photo_files WHERE user_id = '" + userId + "'")) {
      while (rows.next()) {
        files.add(objectStoreRoot.resolve(rows.getString(1)).resolve(rows.getString(2)));
      }
    }
    return files;
  }

  private static Connection connect(String jdbcUrl) throws SQLException {
    return DriverManager.getConnection(jdbcUrl, LocalStack.APP_USER, LocalStack.APP_PASSWORD);
  }

  private static long count(LocalStack stack, String sql) throws SQLException {
    return count(stack.jdbcUrl(), sql);
  }

  private static long count(String jdbcUrl, String sql) throws SQLException {
    return Long.parseLong(text(jdbcUrl, sql));
  }

  private static String text(LocalStack stack, String sql) throws SQLException {
    return text(stack.jdbcUrl(), sql);
  }

  private static String text(String jdbcUrl, String sql) throws SQLException {
    try (Connection connection = connect(jdbcUrl); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getString(1) : null;
    }
  }
}
