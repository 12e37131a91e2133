package app.photobomb.ops.common.messaging;

import static app.photobomb.ops.testsupport.KafkaTestClient.header;
import static app.photobomb.ops.testsupport.KafkaTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.ScaleWorkersRequested;
import app.photobomb.ops.common.events.WorkersScaled;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The messaging core over the real broker and database: command in over Kafka, state and outbox row in one
 * transaction, event out through Debezium with CloudEvents headers and the correlation id.
 */
@ExtendWith(RealServersExtension.class)
// here, not in application.yml: the defaults it imports would win over it
@SpringBootTest(classes = MessagingTestApplication.class,
    properties = "spring.flyway.locations=classpath:db/ops,classpath:db/testmigration")
class MessagingCoreEndToEndTest {

  private static final String DATABASE = "messaging_e2e";

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String COMMANDS = "scale-workers-requested";
  private static final String EVENTS = "workers-scaled";
  private static final String DLQ = "scale-workers-requested.dlq";

  private static KafkaTestClient kafka;

  /** The test's own connection, as the photobomb API or an operator: the service's role may not seed or peek. */
  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  PayloadCodec codec;
  @Autowired
  AtomicInteger boomAttempts;
  @Autowired
  Map<String, AtomicInteger> sqlStateAttempts;
  @Autowired
  MeterRegistry meters;
  @Autowired
  Outbox outbox;
  @Autowired
  PlatformTransactionManager transactionManager;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, DATABASE, DatabaseRole.SCALING);
  }

  @BeforeAll
  static void connect() {
    kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers());
  }

  @AfterAll
  static void disconnect() {
    kafka.close();
  }

  @Test
  void commandInStateAndEventOutWithCloudEventsHeadersAndCorrelationId() {
    String commandId = UUID.randomUUID().toString();
    String deployment = "thumbnail-worker-" + shortId();
    send(commandId, command(deployment, 20, "backlog"), "corr-" + commandId);

    ConsumerRecord<String, byte[]> event = awaitEventCausedBy(commandId);

    assertThat(event.key()).isEqualTo(deployment);
    assertThat(header(event, CloudEventHeaders.TYPE)).isEqualTo("app.photobomb.WorkersScaled");
    assertThat(header(event, CloudEventHeaders.SOURCE)).isEqualTo("urn:photobomb-ops:messaging-e2e");
    assertThat(header(event, CloudEventHeaders.SUBJECT)).isEqualTo(deployment);
    assertThat(header(event, CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
    assertThat(header(event, CloudEventHeaders.CONTENT_TYPE)).isEqualTo("application/json");
    assertThat(header(event, CloudEventHeaders.CORRELATION_ID)).isEqualTo("corr-" + commandId);
    assertThat(UUID.fromString(header(event, CloudEventHeaders.ID))).isNotNull();
    assertThat(Instant.parse(header(event, CloudEventHeaders.TIME))).isBefore(Instant.now().plusSeconds(1));
    assertThat(header(event, CloudEventHeaders.TIME)).as("RFC 3339 in UTC, microseconds, as relayed so far")
        .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z");
    WorkersScaled payload = codec.decode(MessageCatalog.WORKERS_SCALED, event.value());
    assertThat(payload).isEqualTo(new WorkersScaled(deployment, "photobomb", 1, 20, "backlog"));
    assertThat(rowsFor(deployment)).isEqualTo(1);
    assertThat(jdbc.queryForObject("SELECT details->>'replicas' FROM audit_logs WHERE action = "
        + "'workers_scale_requested' AND actor = 'test' AND details->>'deployment' = ?", String.class, deployment))
        .as("audit row written with the effect").isEqualTo("20");
  }

  @Test
  void eventsOfOneWriteShareOneCeTimeAndARowWrittenWithoutOneGetsItsTransactionsTimeInTheSameText() {
    String deployment = "batch-worker-" + shortId();
    String correlationId = "corr-" + shortId();
    new TransactionTemplate(transactionManager).executeWithoutResult(status -> outbox.write(List.of(
        outbox.toEvent(new WorkersScaled(deployment, "photobomb", 1, 2, "first"), correlationId, null),
        outbox.toEvent(new WorkersScaled(deployment, "photobomb", 2, 3, "second"), correlationId, null))));
    // as a writer that names no ce_time: the column's default, now() in the same text
    jdbc.update("INSERT INTO outbox (id, topic, aggregate_id, type, source, payload, correlation_id) "
        + "VALUES (?, ?, ?, 'app.photobomb.WorkersScaled', 'urn:photobomb-ops:messaging-e2e', ?::jsonb, ?)",
        UUID.randomUUID(), EVENTS, deployment, codec.encode(new WorkersScaled(deployment, "photobomb", 3, 4, "third")),
        correlationId);

    List<ConsumerRecord<String, byte[]>> events = Awaitility.await().atMost(WAIT).until(
        () -> kafka.readAll(EVENTS).stream()
            .filter(r -> correlationId.equals(header(r, CloudEventHeaders.CORRELATION_ID))).toList(),
        relayed -> relayed.size() == 3);

    List<String> times = events.stream().map(r -> header(r, CloudEventHeaders.TIME)).toList();
    assertThat(times).allSatisfy(time -> assertThat(time)
        .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z"));
    assertThat(times.get(0)).as("one time per write, as now() per transaction").isEqualTo(times.get(1));
    assertThat(Instant.parse(times.get(2))).isAfterOrEqualTo(Instant.parse(times.get(0)))
        .isBefore(Instant.now().plusSeconds(1));
  }

  @Test
  void redeliveredCommandHasOneEffectAndOneEvent() {
    String commandId = UUID.randomUUID().toString();
    String deployment = "face-worker-" + shortId();
    byte[] payload = command(deployment, 5, "spike");
    send(commandId, payload, null);
    send(commandId, payload, null);
    String markerId = UUID.randomUUID().toString();
    send(markerId, command(deployment, 6, "marker"), null);

    awaitEventCausedBy(markerId);

    assertThat(rowsFor(deployment)).isEqualTo(2);
    assertThat(kafka.readAll(EVENTS).stream()
        .filter(r -> commandId.equals(header(r, CloudEventHeaders.CAUSATION_ID)))).hasSize(1);
  }

  @Test
  void failingHandlerPublishesNothingIsRetriedThenDeadLettered() {
    String commandId = UUID.randomUUID().toString();
    String deployment = "boom-worker-" + shortId();
    int attemptsBefore = boomAttempts.get();
    send(commandId, command(deployment, 3, "boom"), null);
    String markerId = UUID.randomUUID().toString();
    send(markerId, command(deployment, 4, "after boom"), null);

    ConsumerRecord<String, byte[]> dead = kafka.await(DLQ,
        r -> commandId.equals(header(r, CloudEventHeaders.ID)), WAIT);
    awaitEventCausedBy(markerId);

    assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("handler_failed");
    assertThat(header(dead, DeadLetterHeaders.DETAIL)).contains("the handler failed on purpose");
    assertThat(header(dead, DeadLetterHeaders.ATTEMPTS)).isEqualTo("3");
    assertThat(header(dead, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(COMMANDS);
    assertThat(dead.value()).isEqualTo(command(deployment, 3, "boom"));
    // once inside its batch, then three times alone
    assertThat(boomAttempts.get() - attemptsBefore).isEqualTo(4);
    assertThat(rowsFor(deployment)).as("the failed handler's row was rolled back").isEqualTo(1);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE details->>'deployment' = ? "
        + "AND details->>'replicas' = '3'", Integer.class, deployment)).as("its audit row too").isZero();
    assertThat(kafka.readAll(EVENTS).stream()
        .filter(r -> commandId.equals(header(r, CloudEventHeaders.CAUSATION_ID))))
        .as("a rolled-back handler publishes nothing").isEmpty();
  }

  @Test
  void deadLetterCountersOfEveryReasonExistBeforeTheFirstDeadLetterAndCountIt() {
    // a series that appears with its first dead letter would be no increase() to the DLQ alert
    assertThat(meters.find("photobomb.messages.dead_lettered").tag("consumer", "messaging-e2e").counters())
        .extracting(counter -> counter.getId().getTag("reason"))
        .contains("missing_header", "invalid_header", "wrong_type", "malformed_json", "schema_violation", "unreadable",
            "refused_source", "handler_failed");
    double before = meters.get("photobomb.messages.dead_lettered").tag("consumer", "messaging-e2e")
        .tag("type", MessageCatalog.SCALE_WORKERS_REQUESTED.name()).tag("reason", "malformed_json").counter().count();
    String deployment = "counted-" + shortId();
    String badId = UUID.randomUUID().toString();
    kafka.send(COMMANDS, deployment, TestCommands.headers(MessageCatalog.SCALE_WORKERS_REQUESTED, badId,
        deployment, null), "{".getBytes(StandardCharsets.UTF_8));
    kafka.await(DLQ, r -> badId.equals(header(r, CloudEventHeaders.ID)), WAIT);
    Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(meters.get("photobomb.messages.dead_lettered")
        .tag("consumer", "messaging-e2e").tag("type", MessageCatalog.SCALE_WORKERS_REQUESTED.name())
        .tag("reason", "malformed_json").counter().count()).isEqualTo(before + 1));
  }

  @Test
  void malformedJsonIsDeadLetteredAtOnceAndTheNextRecordOfThePartitionIsHandled() {
    String deployment = "malformed-" + shortId();
    String badId = UUID.randomUUID().toString();
    kafka.send(COMMANDS, deployment, TestCommands.headers(MessageCatalog.SCALE_WORKERS_REQUESTED, badId,
        deployment, null), "{\"deployment\": ".getBytes(StandardCharsets.UTF_8));
    String nextId = UUID.randomUUID().toString();
    send(nextId, command(deployment, 2, "next"), null);

    ConsumerRecord<String, byte[]> dead = kafka.await(DLQ, r -> badId.equals(header(r, CloudEventHeaders.ID)), WAIT);
    awaitEventCausedBy(nextId);

    assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("malformed_json");
    assertThat(header(dead, DeadLetterHeaders.ATTEMPTS)).isEqualTo("0");
    assertThat(rowsFor(deployment)).isEqualTo(1);
  }

  @Test
  void schemaViolationAndMissingHeadersAreDeadLetteredWithTheirReason() {
    String deployment = "invalid-" + shortId();
    String invalidId = UUID.randomUUID().toString();
    kafka.send(COMMANDS, deployment, TestCommands.headers(MessageCatalog.SCALE_WORKERS_REQUESTED, invalidId,
        deployment, null), ("{\"deployment\":\"" + deployment + "\",\"namespace\":\"photobomb\",\"replicas\":-1,"
            + "\"requestedBy\":\"test\"}").getBytes(StandardCharsets.UTF_8));
    Map<String, String> noId = TestCommands.headers(MessageCatalog.SCALE_WORKERS_REQUESTED, "x", deployment, null);
    noId.remove(CloudEventHeaders.ID);
    kafka.send(COMMANDS, deployment, noId, command(deployment, 1, "no id"));

    ConsumerRecord<String, byte[]> invalid = kafka.await(DLQ,
        r -> invalidId.equals(header(r, CloudEventHeaders.ID)), WAIT);
    ConsumerRecord<String, byte[]> missing = kafka.await(DLQ,
        r -> deployment.equals(r.key()) && "missing_header".equals(header(r, DeadLetterHeaders.REASON)), WAIT);

    assertThat(header(invalid, DeadLetterHeaders.REASON)).isEqualTo("schema_violation");
    assertThat(header(invalid, DeadLetterHeaders.DETAIL)).contains("replicas");
    assertThat(header(missing, DeadLetterHeaders.DETAIL)).contains("ce_id");
    assertThat(rowsFor(deployment)).isZero();
  }

  @Test
  void recordsWithAnotherSpecVersionABadTimeOrSourceAreDeadLetteredAsInvalidHeader() {
    String deployment = "bad-envelope-" + shortId();
    Map<String, Map<String, String>> broken = new java.util.LinkedHashMap<>();
    broken.put("ce_specversion", withHeader(deployment, CloudEventHeaders.SPEC_VERSION, "0.3"));
    broken.put("ce_time", withHeader(deployment, CloudEventHeaders.TIME, "yesterday at noon"));
    broken.put("ce_source", withHeader(deployment, CloudEventHeaders.SOURCE, "urn:photobomb:api with spaces"));
    Map<String, String> noSpecVersion = TestCommands.headers(MessageCatalog.SCALE_WORKERS_REQUESTED,
        UUID.randomUUID().toString(), deployment, null);
    noSpecVersion.remove(CloudEventHeaders.SPEC_VERSION);
    broken.put("ce_specversion is missing", noSpecVersion);
    broken.values().forEach(headers -> kafka.send(COMMANDS, deployment, headers, command(deployment, 2, "broken")));
    String nextId = UUID.randomUUID().toString();
    send(nextId, command(deployment, 3, "after the broken ones"), null);

    awaitEventCausedBy(nextId);
    broken.forEach((what, headers) -> {
      ConsumerRecord<String, byte[]> dead = kafka.await(DLQ,
          r -> headers.get(CloudEventHeaders.ID).equals(header(r, CloudEventHeaders.ID)), WAIT);
      assertThat(header(dead, DeadLetterHeaders.REASON)).as(what).isEqualTo("invalid_header");
      assertThat(header(dead, DeadLetterHeaders.DETAIL)).as(what).contains(what.split(" ")[0]);
    });
    assertThat(rowsFor(deployment)).isEqualTo(1);
  }

  private static Map<String, String> withHeader(String deployment, String name, String value) {
    Map<String, String> headers = TestCommands.headers(MessageCatalog.SCALE_WORKERS_REQUESTED,
        UUID.randomUUID().toString(), deployment, null);
    headers.put(name, value);
    return headers;
  }

  @Test
  void recordWithAnOversizedCeIdIsDeadLetteredAsInvalidHeaderAndTheRecordsAfterItAreHandled() {
    String deployment = "oversized-" + shortId();
    // random hex does not compress, so 3 kB stays over the btree limit (2,704 bytes) of the inbox key
    byte[] random = new byte[1500];
    new SecureRandom().nextBytes(random);
    String hugeId = HexFormat.of().formatHex(random);
    send(hugeId, command(deployment, 2, "huge id"), null);
    String nextId = UUID.randomUUID().toString();
    send(nextId, command(deployment, 3, "after huge id"), null);

    ConsumerRecord<String, byte[]> dead = kafka.await(DLQ, r -> hugeId.equals(header(r, CloudEventHeaders.ID)), WAIT);
    awaitEventCausedBy(nextId);

    assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("invalid_header");
    assertThat(header(dead, DeadLetterHeaders.DETAIL)).contains("ce_id");
    assertThat(header(dead, DeadLetterHeaders.ATTEMPTS)).isEqualTo("0");
    assertThat(rowsFor(deployment)).isEqualTo(1);
  }

  @Test
  void handlerFailingWithAProgramLimitErrorIsDeadLetteredAfterItsAttemptsNotRedeliveredForever() {
    String deployment = "limit-" + shortId();
    int attemptsBefore = sqlStateAttempts.get("limit").get();
    String limitId = UUID.randomUUID().toString();
    send(limitId, command(deployment, 2, "limit"), null);
    String nextId = UUID.randomUUID().toString();
    send(nextId, command(deployment, 3, "after limit"), null);

    ConsumerRecord<String, byte[]> dead = kafka.await(DLQ, r -> limitId.equals(header(r, CloudEventHeaders.ID)),
        WAIT);
    awaitEventCausedBy(nextId);

    assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("handler_failed");
    assertThat(header(dead, DeadLetterHeaders.ATTEMPTS)).isEqualTo("3");
    assertThat(header(dead, DeadLetterHeaders.DETAIL)).contains("program limit exceeded on purpose");
    assertThat(header(dead, DeadLetterHeaders.EXCEPTION))
        .as("the exception that used to count as an outage")
        .isEqualTo("org.springframework.dao.DataAccessResourceFailureException");
    assertThat(sqlStateAttempts.get("limit").get() - attemptsBefore).isEqualTo(4);
    assertThat(rowsFor(deployment)).isEqualTo(1);
  }

  @Test
  void databaseOutageRedeliversTheBatchCountsItAndDeadLettersNothing() {
    String deployment = "outage-" + shortId();
    double redeliveriesBefore = redeliveries();
    String outageId = UUID.randomUUID().toString();
    send(outageId, command(deployment, 2, "outage"), null);

    awaitEventCausedBy(outageId);

    assertThat(redeliveries() - redeliveriesBefore).isEqualTo(MessagingTestApplication.OUTAGE_FAILURES);
    assertThat(rowsFor(deployment)).isEqualTo(1);
    assertThat(kafka.readAll(DLQ).stream().filter(r -> outageId.equals(header(r, CloudEventHeaders.ID))))
        .as("an outage is no record's fault").isEmpty();
  }

  @Test
  void sameCeIdFromTwoSourcesIsHandledTwiceAndFromOneSourceOnce() {
    String deployment = "sources-" + shortId();
    String sharedId = UUID.randomUUID().toString();
    byte[] payload = command(deployment, 2, "shared id");
    kafka.send(COMMANDS, deployment, TestCommands.headers(MessageCatalog.SCALE_WORKERS_REQUESTED, sharedId,
        deployment, null, TestCommands.API_SOURCE), payload);
    kafka.send(COMMANDS, deployment, TestCommands.headers(MessageCatalog.SCALE_WORKERS_REQUESTED, sharedId,
        deployment, null, "urn:photobomb-ops:cli"), payload);
    kafka.send(COMMANDS, deployment, TestCommands.headers(MessageCatalog.SCALE_WORKERS_REQUESTED, sharedId,
        deployment, null, TestCommands.API_SOURCE), payload);
    String markerId = UUID.randomUUID().toString();
    send(markerId, command(deployment, 3, "marker"), null);

    awaitEventCausedBy(markerId);

    assertThat(jdbc.queryForList("SELECT message_id FROM test_scale_requests WHERE deployment = ? AND replicas = 2",
        String.class, deployment)).containsExactlyInAnyOrder(TestCommands.API_SOURCE + " " + sharedId,
            "urn:photobomb-ops:cli " + sharedId);
  }

  @Test
  void commandFromAnUnknownSourceIsDeadLetteredRefusedNotHandledAndAudited() {
    String deployment = "refused-" + shortId();
    String refusedId = UUID.randomUUID().toString();
    kafka.send(COMMANDS, deployment, TestCommands.headers(MessageCatalog.SCALE_WORKERS_REQUESTED, refusedId,
        deployment, null, "urn:someone:else"), command(deployment, 50, "not yours"));
    String nextId = UUID.randomUUID().toString();
    send(nextId, command(deployment, 2, "after refused"), null);

    ConsumerRecord<String, byte[]> dead = kafka.await(DLQ, r -> refusedId.equals(header(r, CloudEventHeaders.ID)),
        WAIT);
    awaitEventCausedBy(nextId);

    assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("refused_source");
    assertThat(header(dead, DeadLetterHeaders.DETAIL)).contains("urn:someone:else");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM test_scale_requests WHERE deployment = ? AND replicas = 50",
        Integer.class, deployment)).as("not handled").isZero();
    Map<String, Object> audit = jdbc.queryForMap("SELECT actor, details::text AS details FROM audit_logs "
        + "WHERE action = 'command_refused' AND details->>'subject' = ?", deployment);
    assertThat(audit.get("actor")).isEqualTo("urn:someone:else");
    assertThat(codec.readTree((String) audit.get("details")).propertyNames())
        .containsExactlyInAnyOrder("source", "type", "subject", "id", "topic");
    assertThat((String) audit.get("details")).contains("app.photobomb.ScaleWorkersRequested")
        .doesNotContain("not yours");
  }

  private double redeliveries() {
    var counter = meters.find("photobomb.messages.redeliveries").tag("consumer", "messaging-e2e").counter();
    return counter == null ? 0 : counter.count();
  }

  private void send(String commandId, byte[] payload, String correlationId) {
    String deployment = codec.decode(MessageCatalog.SCALE_WORKERS_REQUESTED, payload).deployment();
    kafka.send(COMMANDS, deployment, TestCommands.headers(MessageCatalog.SCALE_WORKERS_REQUESTED, commandId,
        deployment, correlationId), payload);
  }

  private byte[] command(String deployment, int replicas, String reason) {
    return codec.encode(new ScaleWorkersRequested(deployment, "photobomb", replicas, reason, "test"))
        .getBytes(StandardCharsets.UTF_8);
  }

  private ConsumerRecord<String, byte[]> awaitEventCausedBy(String commandId) {
    ConsumerRecord<String, byte[]> event = kafka.await(EVENTS,
        r -> commandId.equals(header(r, CloudEventHeaders.CAUSATION_ID)), WAIT);
    assertThat(text(event)).isNotBlank();
    return event;
  }

  private int rowsFor(String deployment) {
    return jdbc.queryForObject("SELECT count(*) FROM test_scale_requests WHERE deployment = ?", Integer.class,
        deployment);
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
