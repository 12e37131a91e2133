package app.photobomb.ops.common.messaging;

import static app.photobomb.ops.testsupport.KafkaTestClient.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.WorkersScaled;
import app.photobomb.ops.relay.JdbcUrl;
import app.photobomb.ops.relay.OutboxRelay;
import app.photobomb.ops.relay.OutboxRelaySettings;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.testsupport.ServerEndpoints;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import app.photobomb.ops.testsupport.DatabaseRole;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The relay as it runs through restarts: events written through the outbox reach Kafka once, a relay whose
 * stored offsets are lost neither republishes what it had relayed nor skips what was written while it was down,
 * and a quiet outbox does not keep PostgreSQL from recycling the WAL that other tables write.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(classes = MessagingTestApplication.class)
class OutboxRelayRecoveryTest {

  private static final String DATABASE = "relay_recovery";
  private static final String SLOT = "outbox_relay_recovery";
  private static final String EVENTS = MessageCatalog.WORKERS_SCALED.topic();
  private static final Duration WAIT = Duration.ofSeconds(90);

  private static final String OFFSETS = "relay-recovery-offsets";

  private static KafkaTestClient kafka;

  @Autowired
  Outbox outbox;
  @Autowired
  TransactionTemplate transactions;
  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));

  private OutboxRelay relay;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, DATABASE, DatabaseRole.SCALING);
    // This test starts and stops the relay itself.
    registry.add("photobomb.outbox-relay.enabled", () -> "false");
  }

  @BeforeAll
  static void connect() {
    kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers());
  }

  @AfterAll
  static void disconnect() {
    kafka.close();
  }

  @AfterEach
  void stopRelay() {
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  void relayWhoseOffsetsAreLostRepublishesNothingAndSkipsNothing() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    relay = OutboxRelay.start(settings());
    emit(run + "-before-", 3);
    await().atMost(WAIT).until(() -> published(run).size() == 3);
    // The relay confirms its position to the replication slot at its heartbeat.
    String written = jdbc.queryForObject("SELECT pg_current_wal_lsn()::text", String.class);
    await().atMost(WAIT).until(() -> slotConfirmed(written));

    relay.close();
    relay = null;
    loseOffsets();
    emit(run + "-while-down-", 3);
    relay = OutboxRelay.start(settings());
    await().atMost(WAIT).until(() -> published(run).keySet().stream().filter(id -> id.contains("-while-down-"))
        .count() == 3);

    Map<String, Long> published = published(run);
    assertThat(published).as("each event published exactly once, by correlation id")
        .containsOnlyKeys(IntStream.range(0, 3).boxed()
            .flatMap(i -> List.of(run + "-before-" + i, run + "-while-down-" + i).stream()).toList())
        .allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
  }

  @Test
  void outboxRowsDoNotOutliveTheirTransaction() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    relay = OutboxRelay.start(settings());
    emit(run + "-row-", 2);

    await().atMost(WAIT).until(() -> published(run).size() == 2);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox", Long.class)).isZero();
  }

  @Test
  void quietOutboxLetsPostgresRecycleTheWalOfOtherTables() {
    relay = OutboxRelay.start(settings());
    emit(UUID.randomUUID() + "-first-", 1);
    jdbc.execute("CREATE TABLE IF NOT EXISTS busy_neighbour (id bigint, note text)");
    jdbc.update("INSERT INTO busy_neighbour SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g");
    String written = jdbc.queryForObject("SELECT pg_current_wal_lsn()::text", String.class);

    await().atMost(WAIT).until(() -> slotConfirmed(written));
  }

  private void emit(String correlationPrefix, int count) {
    for (int i = 0; i < count; i++) {
      String correlationId = correlationPrefix + i;
      transactions.executeWithoutResult(status -> outbox.emit(
          new WorkersScaled("relay-" + correlationId, "photobomb", 1, 2, "recovery"), correlationId));
    }
  }

  /** How often each event of this run is on the topic, by correlation id. */
  private Map<String, Long> published(String run) {
    return kafka.readAll(EVENTS).stream()
        .map(record -> header(record, CloudEventHeaders.CORRELATION_ID))
        .filter(id -> id != null && id.startsWith(run))
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  /** Deletes the relay's offsets topic, as when its offsets are lost. */
  private static void loseOffsets() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        RealServers.endpoints().kafkaBootstrapServers()))) {
      admin.deleteTopics(List.of(OFFSETS)).all().get(30, TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> !admin.listTopics().names().get().contains(OFFSETS));
    }
  }

  private boolean slotConfirmed(String lsn) {
    return Boolean.TRUE.equals(jdbc.queryForObject(
        "SELECT confirmed_flush_lsn >= ?::pg_lsn FROM pg_replication_slots WHERE slot_name = ?", Boolean.class,
        lsn, SLOT));
  }

  private static OutboxRelaySettings settings() {
    ServerEndpoints endpoints = RealServers.endpoints();
    JdbcUrl url = JdbcUrl.parse(endpoints.jdbcUrl(DATABASE));
    return new OutboxRelaySettings(url.host(), url.port(), url.database(), endpoints.postgresUser(),
        endpoints.postgresPassword(), endpoints.kafkaBootstrapServers(), OFFSETS, (short) 1, SLOT);
  }
}
