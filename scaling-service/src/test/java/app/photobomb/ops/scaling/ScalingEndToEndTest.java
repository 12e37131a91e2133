package app.photobomb.ops.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PhotobombMessage;
import app.photobomb.ops.common.events.QueueBacklogCleared;
import app.photobomb.ops.common.events.QueueBacklogDetected;
import app.photobomb.ops.common.events.QueueBacklogUnresolved;
import app.photobomb.ops.common.events.ScaleWorkersRequested;
import app.photobomb.ops.common.events.ScalingFailed;
import app.photobomb.ops.common.events.WorkersScaled;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.TestCommands;
import app.photobomb.ops.scaling.monitor.MonitorLeadership;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.testsupport.ServiceReplica;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The scaling-service end to end: depths in the real Redis or backlog events and manual requests over the real
 * Kafka, changes seen by the Kubernetes API (Fabric8's mock server in CRUD mode, the real client against it), audit
 * rows in PostgreSQL, answers out over Kafka.
 */
@ExtendWith(RealServersExtension.class)
@EnableKubernetesMockClient(crud = true, https = false)
@SpringBootTest(properties = {"spring.config.name=" + ScalingServiceApplication.CONFIG_NAME,
    "photobomb.scaling.stabilization-window=3s",
    "photobomb.scaling.scale-down-step=5",
    "photobomb.scaling.scale-down-period=300ms",
    "photobomb.scaling.manual-hold=5s",
    "photobomb.scaling.monitor-interval=100ms",
    "photobomb.scaling.repeat-interval=300ms",
    "photobomb.scaling.growth-window=2s",
    "photobomb.scaling.unresolved-after=1s",
    "photobomb.scaling.kubernetes.retries=1",
    "photobomb.scaling.kubernetes.retry-backoff=50ms",
    "photobomb.scaling.policies[0].queue=e2e_rise", "photobomb.scaling.policies[0].deployment=rise-worker",
    "photobomb.scaling.policies[1].queue=e2e_fall", "photobomb.scaling.policies[1].deployment=fall-worker",
    "photobomb.scaling.policies[2].queue=e2e_noise", "photobomb.scaling.policies[2].deployment=noise-worker",
    "photobomb.scaling.policies[2].monitored=false",
    "photobomb.scaling.policies[3].queue=e2e_hpa", "photobomb.scaling.policies[3].deployment=hpa-worker",
    "photobomb.scaling.policies[4].queue=e2e_manual", "photobomb.scaling.policies[4].deployment=manual-worker",
    "photobomb.scaling.policies[5].queue=e2e_missing", "photobomb.scaling.policies[5].deployment=missing-worker",
    "photobomb.scaling.policies[5].monitored=false",
    "photobomb.scaling.policies[6].queue=e2e_again", "photobomb.scaling.policies[6].deployment=again-worker",
    "photobomb.scaling.policies[6].monitored=false",
    "photobomb.scaling.policies[7].queue=e2e_race", "photobomb.scaling.policies[7].deployment=race-worker",
    "photobomb.scaling.policies[7].monitored=false",
    "photobomb.scaling.policies[8].queue=e2e_grow", "photobomb.scaling.policies[8].deployment=grow-worker",
    "photobomb.scaling.policies[8].max-replicas=4",
    "photobomb.scaling.policies[9].queue=e2e_hold", "photobomb.scaling.policies[9].deployment=hold-worker"})
class ScalingEndToEndTest {

  // every policy: 3..20 replicas, 50 jobs per replica, backlogged above 100, clear below 20 (the defaults)
  private static final String NAMESPACE = "photobomb";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String DATABASE = "scaling_e2e";
  private static KafkaTestClient kafka;
  static KubernetesMockServer server;
  static KubernetesClient client;
  private static final List<String> writes = new ArrayList<>();

  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  PayloadCodec codec;
  @Autowired
  StringRedisTemplate redis;
  @Autowired
  ConfigurableEnvironment environment;
  @Autowired
  MonitorLeadership leadership;
  @Autowired
  MeterRegistry meters;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, DATABASE, DatabaseRole.SCALING);
    registry.add("photobomb.scaling.kubernetes.master-url", () -> client.getConfiguration().getMasterUrl());
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
  void risingDepthScalesUpWithinTwoSecondsOfTheCrossing() {
    deployment("rise-worker", 3);
    push("e2e_rise", 600);
    long crossed = System.nanoTime();
    Awaitility.await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
        .until(() -> replicas("rise-worker") == 12);
    assertThat(Duration.ofNanos(System.nanoTime() - crossed)).isLessThan(Duration.ofSeconds(2));
    WorkersScaled scaled = await(MessageCatalog.WORKERS_SCALED, "rise-worker", (WorkersScaled w) -> true);
    assertThat(scaled.fromReplicas()).isEqualTo(3);
    assertThat(scaled.toReplicas()).isEqualTo(12);
    assertThat(scaled.reason()).contains("e2e_rise");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE action = 'workers_scaled' "
        + "AND details->>'deployment' = 'rise-worker' AND details->>'to' = '12' AND actor = 'scaling-service'",
        Integer.class)).isOne();
  }

  @Test
  void fallingDepthScalesDownOnlyAfterTheWindowAndByBoundedSteps() {
    deployment("fall-worker", 3);
    push("e2e_fall", 1000);
    Awaitility.await().atMost(WAIT).until(() -> replicas("fall-worker") == 20);
    redis.delete("e2e_fall");
    Instant cleared = Instant.now();
    Awaitility.await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
        .until(() -> replicas("fall-worker") == 20);
    Awaitility.await().atMost(WAIT).until(() -> replicas("fall-worker") == 3);
    assertThat(Duration.between(cleared, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(all(MessageCatalog.WORKERS_SCALED, "fall-worker"))
        .extracting(WorkersScaled::toReplicas).containsExactly(20, 15, 10, 5, 3));
    // a deep queue that does not grow is not unresolved, even at the maximum
    assertThat(all(MessageCatalog.QUEUE_BACKLOG_UNRESOLVED, "e2e_fall")).isEmpty();
  }

  @Test
  void noisyDepthMakesABoundedNumberOfCalls() {
    deployment("noise-worker", 3);
    Instant start = Instant.now();
    for (int i = 0; i < 20; i++) {
      Instant at = start.plusMillis(i * 10L);
      if (i % 2 == 0) {
        send(MessageCatalog.QUEUE_BACKLOG_DETECTED, new QueueBacklogDetected("e2e_noise", 500, 100, at));
      } else {
        send(MessageCatalog.QUEUE_BACKLOG_CLEARED, new QueueBacklogCleared("e2e_noise", 5, at));
      }
    }
    Awaitility.await().atMost(WAIT).until(() -> replicas("noise-worker") == 10);
    Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
        .until(() -> writes("/deployments/noise-worker") == 1);
  }

  @Test
  void hpaOwnedDeploymentHasItsMinimumRaisedThenRestoredNotItsReplicas() {
    // the HPA first: a deployment of 2 without it would rightly be raised to the policy's minimum of 3
    client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NAMESPACE).resource(
        new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("hpa-worker-hpa").endMetadata()
            .withNewSpec().withMinReplicas(2).withMaxReplicas(20).withNewScaleTargetRef().withApiVersion("apps/v1")
            .withKind("Deployment").withName("hpa-worker").endScaleTargetRef().endSpec().build()).create();
    deployment("hpa-worker", 2);
    push("e2e_hpa", 400);
    Awaitility.await().atMost(WAIT).until(() -> hpa("hpa-worker-hpa").getSpec().getMinReplicas() == 8);
    assertThat(hpa("hpa-worker-hpa").getMetadata().getAnnotations())
        .containsEntry("scaling.photobomb.app/restore-min-replicas", "2");
    redis.delete("e2e_hpa");
    Awaitility.await().atMost(WAIT).until(() -> hpa("hpa-worker-hpa").getSpec().getMinReplicas() == 2);
    assertThat(hpa("hpa-worker-hpa").getMetadata().getAnnotations())
        .doesNotContainKey("scaling.photobomb.app/restore-min-replicas");
    assertThat(replicas("hpa-worker")).isEqualTo(2);
    assertThat(writes("/deployments/hpa-worker")).isZero();
    Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(all(MessageCatalog.WORKERS_SCALED, "hpa-worker"))
        .extracting(WorkersScaled::toReplicas).containsExactly(8, 3, 2));
    assertThat(all(MessageCatalog.WORKERS_SCALED, "hpa-worker")).allSatisfy(
        e -> assertThat(e.reason()).contains("minReplicas of HPA hpa-worker-hpa"));
  }

  @Test
  void manualScaleWinsForItsHoldThenThePolicyResumes() {
    deployment("manual-worker", 3);
    send(MessageCatalog.SCALE_WORKERS_REQUESTED,
        new ScaleWorkersRequested("manual-worker", NAMESPACE, 500, "load test", "oncall-ops"));
    Awaitility.await().atMost(WAIT).until(() -> replicas("manual-worker") == 20);
    // before the test made it, the monitor's events found manual-worker missing: those answers are not_found
    ScalingFailed clamped = await(MessageCatalog.SCALING_FAILED, "manual-worker",
        (ScalingFailed f) -> f.reason().startsWith("above_max:"));
    assertThat(clamped.reason()).startsWith("above_max:").contains("500").contains("20");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE action = 'workers_scaled' "
        + "AND details->>'deployment' = 'manual-worker' AND actor = 'oncall-ops' "
        + "AND details->>'reason' LIKE '%load test%'", Integer.class)).isOne();
    // the monitor keeps saying e2e_manual is clear; the hold (5 s) outlasts the window (3 s)
    Awaitility.await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5))
        .until(() -> replicas("manual-worker") == 20);
    Awaitility.await().atMost(WAIT).until(() -> replicas("manual-worker") == 3);
  }

  @Test
  void manualHoldTimeOfTheRequestOutlastsTheConfiguredHold() {
    deployment("hold-worker", 3);
    send(MessageCatalog.SCALE_WORKERS_REQUESTED,
        new ScaleWorkersRequested("hold-worker", NAMESPACE, 10, "campaign", "oncall-ops", 60L));
    Awaitility.await().atMost(WAIT).until(() -> replicas("hold-worker") == 10);
    assertThat(await(MessageCatalog.WORKERS_SCALED, "hold-worker", (WorkersScaled w) -> true).reason())
        .contains("held 1 min").contains("campaign");
    // the configured hold (5 s) and the window (3 s) pass while the monitor keeps saying e2e_hold is clear
    Awaitility.await().during(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(10))
        .until(() -> replicas("hold-worker") == 10);
  }

  @Test
  void queueGrowingAtItsMaximumIsToldUnresolvedOnce() {
    deployment("grow-worker", 3);
    push("e2e_grow", 300);
    ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
    try {
      producer.scheduleAtFixedRate(() -> push("e2e_grow", 20), 0, 100, TimeUnit.MILLISECONDS);
      QueueBacklogUnresolved unresolved = await(MessageCatalog.QUEUE_BACKLOG_UNRESOLVED, "e2e_grow",
          (QueueBacklogUnresolved u) -> true);
      assertThat(unresolved.deployment()).isEqualTo("grow-worker");
      assertThat(unresolved.replicas()).isEqualTo(4);
      assertThat(unresolved.growthPerSecond()).isPositive();
      assertThat(Duration.between(unresolved.since(), unresolved.observedAt()))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(replicas("grow-worker")).isEqualTo(4);
      // the monitor's detected events carry the growth and the head item's age; the warning is not repeated
      Awaitility.await().atMost(WAIT).until(() -> all(MessageCatalog.QUEUE_BACKLOG_DETECTED, "e2e_grow").stream()
          .anyMatch(d -> d.growthPerSecond() != null && d.growthPerSecond() > 50 && d.oldestItemAgeSeconds() != null
              && d.oldestItemAgeSeconds() >= 1));
      assertThat(all(MessageCatalog.QUEUE_BACKLOG_UNRESOLVED, "e2e_grow")).hasSize(1);
      // what the dashboard and the BacklogUnresolvedAtMaxReplicas alert read
      assertThat(meters.get("photobomb.scaling.unresolved").tag("queue", "e2e_grow").counter().count()).isOne();
      assertThat(meters.get("photobomb.scaling.growing_at_max_seconds").tag("queue", "e2e_grow").gauge().value())
          .isGreaterThanOrEqualTo(1);
      assertThat(meters.get("photobomb.scaling.queue.depth").tag("queue", "e2e_grow").gauge().value())
          .isGreaterThan(300);
      assertThat(meters.get("photobomb.scaling.replicas").tag("deployment", "grow-worker").gauge().value())
          .isEqualTo(4);
      assertThat(meters.get("photobomb.scaling.max_replicas").tag("deployment", "grow-worker").gauge().value())
          .isEqualTo(4);
      assertThat(meters.get("photobomb.scaling.growing_at_max_seconds").tag("queue", "e2e_rise").gauge().value())
          .as("a queue that is not at its maximum").isZero();
    } finally {
      producer.shutdownNow();
    }
  }

  @Test
  void missingDeploymentAnswersScalingFailedNotFound() {
    send(MessageCatalog.QUEUE_BACKLOG_DETECTED, new QueueBacklogDetected("e2e_missing", 500, 100, Instant.now()));
    String second = UUID.randomUUID().toString();
    send(MessageCatalog.QUEUE_BACKLOG_DETECTED, new QueueBacklogDetected("e2e_missing", 600, 100, Instant.now()),
        second);
    ScalingFailed failed = await(MessageCatalog.SCALING_FAILED, "missing-worker", (ScalingFailed f) -> true);
    assertThat(failed.reason()).startsWith("not_found:").contains("photobomb/missing-worker");
    assertThat(failed.namespace()).isEqualTo(NAMESPACE);
    // the second event fails alike and is not told again within the quiet period
    Awaitility.await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM inbox WHERE consumer = "
        + "'scaling-service' AND message_id = ?", Integer.class, second) == 1);
    assertThat(all(MessageCatalog.SCALING_FAILED, "missing-worker")).hasSize(1);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE action = 'scaling_failed' "
        + "AND details->>'deployment' = 'missing-worker'", Integer.class)).isOne();
  }

  @Test
  void forbiddenAndUnavailableApiAnswerScalingFailedWithTheirReasons() {
    deployment("locked-worker", 3);
    deployment("down-worker", 3);
    server.expect().get().withPath("/apis/apps/v1/namespaces/photobomb/deployments/locked-worker/scale")
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\"}").always();
    server.expect().get().withPath("/apis/apps/v1/namespaces/photobomb/deployments/down-worker/scale")
        .andReturn(503, "{\"kind\":\"Status\",\"code\":503}").always();
    send(MessageCatalog.SCALE_WORKERS_REQUESTED,
        new ScaleWorkersRequested("locked-worker", NAMESPACE, 6, "spike", "oncall-ops"));
    send(MessageCatalog.SCALE_WORKERS_REQUESTED,
        new ScaleWorkersRequested("down-worker", NAMESPACE, 6, "spike", "oncall-ops"));
    assertThat(await(MessageCatalog.SCALING_FAILED, "locked-worker", (ScalingFailed f) -> true).reason())
        .startsWith("forbidden:");
    assertThat(await(MessageCatalog.SCALING_FAILED, "down-worker", (ScalingFailed f) -> true).reason())
        .startsWith("api_unavailable:").contains("503");
    assertThat(replicas("locked-worker")).isEqualTo(3);
    assertThat(replicas("down-worker")).isEqualTo(3);
  }

  @Test
  void redeliveredBacklogEventMakesOneScaleCall() {
    deployment("again-worker", 3);
    QueueBacklogDetected event = new QueueBacklogDetected("e2e_again", 300, 100, Instant.now());
    String id = UUID.randomUUID().toString();
    send(MessageCatalog.QUEUE_BACKLOG_DETECTED, event, id);
    send(MessageCatalog.QUEUE_BACKLOG_DETECTED, event, id);
    send(MessageCatalog.QUEUE_BACKLOG_DETECTED, event, UUID.randomUUID().toString());
    send(MessageCatalog.QUEUE_BACKLOG_DETECTED,
        new QueueBacklogDetected("e2e_again", 450, 100, event.observedAt().plusMillis(1)));
    Awaitility.await().atMost(WAIT).until(() -> replicas("again-worker") == 9);
    assertThat(writes("/deployments/again-worker")).isEqualTo(2);
    Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(all(MessageCatalog.WORKERS_SCALED, "again-worker"))
        .extracting(WorkersScaled::toReplicas).containsExactly(6, 9));
  }

  @Test
  void detectedAndClearedHandledAtOnceMakeOneScaleCall() {
    // the two events come on two topics, so two consumers handle them at the same time; the detected one's read of
    // the scale is answered slowly (replicas 3), and the cleared ones arrive while it waits
    deployment("race-worker", 3);
    server.expect().get().delay(2, TimeUnit.SECONDS)
        .withPath("/apis/apps/v1/namespaces/photobomb/deployments/race-worker/scale")
        .andReturn(200, "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"Scale\",\"metadata\":{\"name\":"
            + "\"race-worker\",\"namespace\":\"photobomb\"},\"spec\":{\"replicas\":3}}").once();
    Instant now = Instant.now();
    List<String> ids = new ArrayList<>(List.of(UUID.randomUUID().toString()));
    send(MessageCatalog.QUEUE_BACKLOG_DETECTED, new QueueBacklogDetected("e2e_race", 1000, 100, now), ids.get(0));
    Awaitility.await().atMost(WAIT).until(() -> redis.hasKey("photobomb:scaling:depth:e2e_race"));
    for (int i = 0; i < 5; i++) {
      ids.add(UUID.randomUUID().toString());
      send(MessageCatalog.QUEUE_BACKLOG_CLEARED, new QueueBacklogCleared("e2e_race", 0, now.minusSeconds(10 - i)),
          ids.get(ids.size() - 1));
    }
    Awaitility.await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT count(*) FROM inbox WHERE consumer = "
        + "'scaling-service' AND message_id = ANY (?)", Integer.class, (Object) ids.toArray(String[]::new)) == 6);
    assertThat(replicas("race-worker")).isEqualTo(20);
    assertThat(writes("/deployments/race-worker")).isOne();
    Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(all(MessageCatalog.WORKERS_SCALED, "race-worker"))
        .extracting(WorkersScaled::toReplicas).containsExactly(20));
  }

  @Test
  void twoReplicasRunOneMonitorAndTheOtherTakesOverWhenItStops() {
    try (ServiceReplica second = ServiceReplica.start(ScalingServiceApplication.application(), environment)) {
      MonitorLeadership other = second.bean(MonitorLeadership.class);
      Awaitility.await().atMost(WAIT).until(() -> leadership.holds() || other.holds());
      assertThat(leadership.holds() && other.holds()).isFalse();
      assertThat(IntStream.range(0, 5).filter(i -> leadership.holds() != other.holds()).count()).isEqualTo(5);
    }
    Awaitility.await().atMost(WAIT).until(leadership::holds);
  }

  private void deployment(String name, int replicas) {
    client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("worker").withImage("photobomb/" + name).endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
  }

  private static int replicas(String name) {
    return client.apps().deployments().inNamespace(NAMESPACE).withName(name).get().getSpec().getReplicas();
  }

  private static HorizontalPodAutoscaler hpa(String name) {
    return client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NAMESPACE).withName(name).get();
  }

  /** Write calls (not reads) the Kubernetes API saw on paths containing {@code path}. */
  private static synchronized long writes(String path) {
    try {
      for (var request = server.takeRequest(1, TimeUnit.MILLISECONDS); request != null;
          request = server.takeRequest(1, TimeUnit.MILLISECONDS)) {
        writes.add(request.getMethod() + " " + request.getPath());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the mock server's requests", e);
    }
    return writes.stream().filter(w -> !w.startsWith("GET ") && w.contains(path)).count();
  }

  private void push(String queue, int items) {
    redis.opsForList().rightPushAll(queue, IntStream.range(0, items).mapToObj(Integer::toString).toList());
  }

  private void send(MessageType<?> type, PhotobombMessage message) {
    send(type, message, UUID.randomUUID().toString());
  }

  private void send(MessageType<?> type, PhotobombMessage message, String id) {
    kafka.send(type.topic(), message.key(), TestCommands.headers(type, id, message.key(), null),
        codec.encode(message).getBytes(StandardCharsets.UTF_8));
  }

  private <T extends PhotobombMessage> T await(MessageType<T> type, String key, Predicate<T> match) {
    return codec.decode(type, kafka.await(type.topic(),
        r -> key.equals(r.key()) && match.test(codec.decode(type, r.value())), WAIT).value());
  }

  private <T extends PhotobombMessage> List<T> all(MessageType<T> type, String key) {
    return kafka.readAll(type.topic()).stream().filter(r -> key.equals(r.key()))
        .map(r -> codec.decode(type, r.value())).toList();
  }
}
