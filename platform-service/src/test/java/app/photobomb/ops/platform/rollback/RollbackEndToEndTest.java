package app.photobomb.ops.platform.rollback;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import app.photobomb.ops.common.events.DeploymentRollbackRequested;
import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PhotobombMessage;
import app.photobomb.ops.common.events.PlatformOperationCompleted;
import app.photobomb.ops.common.events.PlatformOperationFailed;
import app.photobomb.ops.common.events.PlatformOperationPlanned;
import app.photobomb.ops.common.events.PlatformOperationPlanned.PlannedStep;
import app.photobomb.ops.common.events.PlatformOperationProgressed;
import app.photobomb.ops.common.events.PlatformOperationRolledBack;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.TestCommands;
import app.photobomb.ops.platform.PlatformServiceApplication;
import app.photobomb.ops.platform.saga.SagaScheduler;
import app.photobomb.ops.platform.saga.StepFaults;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.testsupport.ServiceReplica;
import app.photobomb.ops.testsupport.google.FakeCloudRun;
import app.photobomb.ops.testsupport.google.GoogleFakeServer;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import com.google.cloud.run.v2.UpdateServiceRequest;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The rollback saga end to end: the command in over the real Kafka, the steps against Cloud Run (the in-process gRPC
 * fake, the real Admin v2 clients), the workers (Fabric8's mock server in CRUD mode, with the ReplicaSets the
 * controller would have made) and the API's health and error rate (WireMock), the events out over Kafka and the
 * saga's state in PostgreSQL.
 */
@ExtendWith(RealServersExtension.class)
@EnableKubernetesMockClient(crud = true, https = false)
@SpringBootTest(properties = {"spring.config.name=" + PlatformServiceApplication.CONFIG_NAME,
    "photobomb.platform.google.local=true",
    "photobomb.platform.google.project=photobomb-test",
    "photobomb.platform.google.region=europe-west1",
    "photobomb.platform.runner-interval=100ms",
    "photobomb.platform.max-backoff=200ms",
    "photobomb.platform.rollback.service=photobomb-api",
    "photobomb.platform.rollback.poll-interval=100ms",
    "photobomb.platform.rollback.check-interval=250ms",
    "photobomb.platform.rollback.min-checks=4",
    "photobomb.platform.rollback.failure-limit=1",
    "photobomb.platform.rollback.check-timeout=2s"})
@Import(StepFaults.class)
class RollbackEndToEndTest {

  private static final String DATABASE = "platform_rollback_e2e";
  private static final String API = "projects/photobomb-test/locations/europe-west1/services/photobomb-api";
  private static final String NAMESPACE = "photobomb";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String HEALTH = "/healthz";
  private static final FakeCloudRun cloudRun = new FakeCloudRun();
  private static final GoogleFakeServer google = GoogleFakeServer.inProcess("rollback-e2e-" + UUID.randomUUID(),
      cloudRun);
  private static final WireMockServer monitoring = new WireMockServer(WireMockConfiguration.options().dynamicPort());
  private static KafkaTestClient kafka;
  static KubernetesMockServer server;
  static KubernetesClient client;

  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  PayloadCodec codec;
  @Autowired
  ServicesClient services;
  @Autowired
  SagaScheduler scheduler;
  @Autowired
  ConfigurableEnvironment environment;
  @Autowired
  StepFaults faults;

  static {
    monitoring.start();
    cloudRun.seedService(API, List.of(template("photobomb-api-first", "1")), List.of());
  }

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, DATABASE, DatabaseRole.PLATFORM);
    registry.add("photobomb.platform.google.cloud-run-endpoint", google::target);
    registry.add("photobomb.platform.kubernetes.master-url", () -> client.getConfiguration().getMasterUrl());
    registry.add("photobomb.platform.kubernetes.namespace", () -> NAMESPACE);
    registry.add("photobomb.platform.rollback.health-url", () -> monitoring.baseUrl() + HEALTH);
    registry.add("photobomb.platform.rollback.prometheus-url", monitoring::baseUrl);
  }

  @BeforeAll
  static void connect() {
    kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers());
  }

  @AfterAll
  static void disconnect() {
    kafka.close();
    google.close();
    monitoring.stop();
  }

  @BeforeEach
  void healthyMonitoring() {
    monitoring.resetAll();
    monitoring.stubFor(get(HEALTH).willReturn(aResponse().withStatus(200).withBody("ok")));
    errorRate("0.002");
  }

  @Test
  void rollbackRoutesAllTrafficToThePreviousRevisionUndoesTheWorkersAndVerifies() {
    deploy("photobomb-api-happy-good", "2");
    deploy("photobomb-api-happy-bad", "3");
    worker("happy-worker", "v1", "v2");
    UUID id = send(command(null, List.of("happy-worker"), false, true));

    PlatformOperationCompleted completed = await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id, e -> true);

    assertThat(completed.dryRun()).isFalse();
    assertThat(completed.results()).containsEntry("verified", "true").containsEntry("checks", "4")
        .containsEntry("failures", "0").containsEntry("revision", "photobomb-api-happy-good")
        .containsEntry("previousRevision", "photobomb-api-happy-bad").containsEntry("workers", "happy-worker@1");
    assertThat(traffic()).isEqualTo(allTo("photobomb-api-happy-good"));
    assertThat(service().getTrafficStatuses(0).getRevision()).isEqualTo("photobomb-api-happy-good");
    Deployment worker = deployment("happy-worker");
    assertThat(worker.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("photobomb/w:v1");
    assertThat(worker.getSpec().getTemplate().getMetadata().getLabels()).doesNotContainKey("pod-template-hash");
    assertThat(progress(id)).extracting(PlatformOperationProgressed::step, PlatformOperationProgressed::status)
        .containsExactly(tuple("find-target", "done"),
            tuple("route-traffic", "done"),
            tuple("undo-workers", "done"),
            tuple("verify", "done"));
    monitoring.verify(4, getRequestedFor(urlEqualTo(HEALTH)));
    monitoring.verify(4, getRequestedFor(urlPathEqualTo("/api/v1/query")));
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE action LIKE 'platform.rollback.%.done' "
        + "AND details->>'operationId' = ?", Integer.class, id.toString())).isEqualTo(4);
  }

  @Test
  void dryRunAnswersThePlanAndChangesNothing() {
    deploy("photobomb-api-dry-good", "2");
    deploy("photobomb-api-dry-bad", "3");
    worker("dry-worker", "v1", "v2");
    int updates = updates();
    List<TrafficTarget> before = traffic();
    UUID id = send(command(null, List.of("dry-worker"), true, false));

    PlatformOperationPlanned planned = await(MessageCatalog.PLATFORM_OPERATION_PLANNED, id, e -> true);
    PlatformOperationCompleted completed = await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id, e -> true);

    assertThat(planned.dryRun()).isTrue();
    assertThat(planned.steps()).extracting(PlannedStep::name, PlannedStep::destructive).containsExactly(
        tuple("find-target", false),
        tuple("route-traffic", true),
        tuple("undo-workers", true),
        tuple("verify", false));
    assertThat(planned.notes()).anySatisfy(note -> assertThat(note).contains("photobomb-api-dry-bad:100%"));
    assertThat(completed.dryRun()).isTrue();
    assertThat(updates()).isEqualTo(updates);
    assertThat(traffic()).isEqualTo(before);
    assertThat(deployment("dry-worker").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("photobomb/w:v2");
    monitoring.verify(0, getRequestedFor(urlEqualTo(HEALTH)));
  }

  @Test
  void unconfirmedRollbackIsRefusedAtThePlan() {
    int updates = updates();
    UUID id = send(command(null, List.of(), false, false));

    PlatformOperationFailed failed = await(MessageCatalog.PLATFORM_OPERATION_FAILED, id, e -> true);

    assertThat(failed.failedStep()).isEqualTo("plan");
    assertThat(failed.reason()).contains("route-traffic").contains("confirm: true");
    assertThat(updates()).isEqualTo(updates);
  }

  @Test
  void namedRevisionThatDoesNotExistFailsAtFindTargetAndChangesNothing() {
    deploy("photobomb-api-named-bad", "2");
    int updates = updates();
    List<TrafficTarget> before = traffic();
    UUID id = send(command("photobomb-api-nowhere", List.of(), false, true));

    PlatformOperationFailed failed = await(MessageCatalog.PLATFORM_OPERATION_FAILED, id, e -> true);

    assertThat(failed.failedStep()).isEqualTo("find-target");
    assertThat(failed.reason()).contains("revision photobomb-api-nowhere does not exist in " + API)
        .contains("photobomb-api-named-bad");
    assertThat(updates()).isEqualTo(updates);
    assertThat(traffic()).isEqualTo(before);
  }

  @Test
  void cloudRunRefusingTheTrafficChangeFailsAtRouteTrafficWithTheTrafficAsItWas() {
    deploy("photobomb-api-refused-good", "2");
    deploy("photobomb-api-refused-bad", "3");
    List<TrafficTarget> before = traffic();
    cloudRun.failNextCalls("UpdateService", Status.PERMISSION_DENIED.withDescription("run.services.update denied"),
        1);
    UUID id = send(command(null, List.of(), false, true));

    PlatformOperationRolledBack rolledBack = await(MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK, id, e -> true);

    assertThat(rolledBack.failedStep()).isEqualTo("route-traffic");
    assertThat(rolledBack.reason()).contains("Cloud Run refused to route traffic to photobomb-api-refused-good")
        .contains("PERMISSION_DENIED");
    assertThat(rolledBack.compensatedSteps()).containsExactly("route-traffic");
    assertThat(traffic()).isEqualTo(before);
    monitoring.verify(0, getRequestedFor(urlEqualTo(HEALTH)));
  }

  @Test
  void workerWithoutAPreviousRevisionUndoesTheTrafficChange() {
    deploy("photobomb-api-lonely-good", "2");
    deploy("photobomb-api-lonely-bad", "3");
    worker("lonely-worker", "v1");
    List<TrafficTarget> before = traffic();
    int updates = updates();
    UUID id = send(command(null, List.of("lonely-worker"), false, true));

    PlatformOperationRolledBack rolledBack = await(MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK, id, e -> true);

    assertThat(rolledBack.failedStep()).isEqualTo("undo-workers");
    assertThat(rolledBack.reason()).contains("photobomb/lonely-worker has no previous revision to roll back to");
    assertThat(rolledBack.compensatedSteps()).containsExactly("undo-workers", "route-traffic");
    assertThat(traffic()).isEqualTo(before);
    assertThat(updates() - updates).as("route, then restore").isEqualTo(2);
    assertThat(progress(id)).extracting(PlatformOperationProgressed::step, PlatformOperationProgressed::status)
        .contains(tuple("route-traffic", "done"),
            tuple("route-traffic", "compensated"));
    assertThat(deployment("lonely-worker").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("photobomb/w:v1");
  }

  @Test
  void healthFailingBeyondTheBudgetFailsAtVerifyAndKeepsTheRollback() {
    deploy("photobomb-api-sick-good", "2");
    deploy("photobomb-api-sick-bad", "3");
    worker("sick-worker", "v1", "v2");
    monitoring.stubFor(get(HEALTH).willReturn(aResponse().withStatus(503)));
    int updates = updates();
    UUID id = send(command(null, List.of("sick-worker"), false, true));

    PlatformOperationFailed failed = await(MessageCatalog.PLATFORM_OPERATION_FAILED, id, e -> true);

    assertThat(failed.failedStep()).isEqualTo("verify");
    assertThat(failed.reason()).contains("2 of 2 checks failed (failure limit 1)").contains("health 503")
        .contains("Traffic stays on photobomb-api-sick-good").contains("photobomb-api-sick-bad");
    assertThat(traffic()).isEqualTo(allTo("photobomb-api-sick-good"));
    assertThat(updates() - updates).as("routed once, never back").isEqualTo(1);
    assertThat(deployment("sick-worker").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("photobomb/w:v1");
    assertThat(kafka.readAll(MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK.topic()))
        .noneMatch(record -> id.toString().equals(record.key()));
  }

  @Test
  void errorRateAboveTheLimitFailsTheVerification() {
    deploy("photobomb-api-errors-good", "2");
    deploy("photobomb-api-errors-bad", "3");
    errorRate("0.2");
    UUID id = send(command(null, List.of(), false, true));

    PlatformOperationFailed failed = await(MessageCatalog.PLATFORM_OPERATION_FAILED, id, e -> true);

    assertThat(failed.failedStep()).isEqualTo("verify");
    assertThat(failed.reason()).contains("error rate 0.2 above 0.01");
    assertThat(traffic()).isEqualTo(allTo("photobomb-api-errors-good"));
  }

  @Test
  void restartWhileVerifyWaitsContinuesTheCountWithoutRoutingTrafficAgain() {
    deploy("photobomb-api-restart-good", "2");
    deploy("photobomb-api-restart-bad", "3");
    int updates = updates();
    UUID id;
    scheduler.stop();
    try {
      try (ServiceReplica first = ServiceReplica.start(PlatformServiceApplication.application(), environment)) {
        id = send(command(null, List.of(), false, true));
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> checks(id) >= 1);
        first.bean(SagaScheduler.class).stop();
      }
      int before = checks(id);
      assertThat(before).isLessThan(4);
      Awaitility.await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2))
          .until(() -> checks(id) == before);
    } finally {
      scheduler.start();
    }

    PlatformOperationCompleted completed = await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id, e -> true);

    assertThat(completed.results()).containsEntry("checks", "4").containsEntry("verified", "true");
    assertThat(updates() - updates).as("traffic routed once across the restart").isEqualTo(1);
    // a check in flight when the first instance stopped is not counted and runs again: a read, so harmless
    assertThat(monitoring.findAll(getRequestedFor(urlEqualTo(HEALTH)))).hasSizeBetween(4, 5);
    assertThat(traffic()).isEqualTo(allTo("photobomb-api-restart-good"));
  }

  @Test
  void aCrashBeforeAndAfterEveryStepStillRollsBackWithOneTrafficChangeAndOneWorkerEdit() throws Exception {
    deploy("photobomb-api-crash-good", "2");
    deploy("photobomb-api-crash-bad", "3");
    worker("crash-worker", "v1", "v2");
    int updates = updates();
    drainKubernetesRequests();
    DeploymentRollbackRequested command = command(null, List.of("crash-worker"), false, true);
    faults.crashAroundEveryStep(command.operationId());
    UUID id = send(command);

    PlatformOperationCompleted completed = await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id, e -> true);

    assertThat(completed.results()).containsEntry("verified", "true").containsEntry("checks", "4")
        .containsEntry("revision", "photobomb-api-crash-good").containsEntry("workers", "crash-worker@1");
    assertThat(faults.crashes()).contains(id + "/find-target/after-run", id + "/route-traffic/before-run",
        id + "/route-traffic/after-run", id + "/undo-workers/after-run", id + "/verify/after-run");
    assertThat(updates() - updates).as("traffic routed once").isEqualTo(1);
    assertThat(traffic()).isEqualTo(allTo("photobomb-api-crash-good"));
    assertThat(workerEdits("crash-worker")).as("rollout undo applied once").isEqualTo(1);
    assertThat(deployment("crash-worker").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("photobomb/w:v1");
    // the check lost with verify's first transaction runs again: a read, and only that one
    monitoring.verify(5, getRequestedFor(urlEqualTo(HEALTH)));
  }

  @Test
  void aCrashAroundEveryUndoOfAFailedRollbackRestoresTrafficAndWorkersOnce() throws Exception {
    deploy("photobomb-api-undo-good", "2");
    deploy("photobomb-api-undo-bad", "3");
    worker("undo-worker", "v1", "v2");
    List<TrafficTarget> before = traffic();
    int updates = updates();
    drainKubernetesRequests();
    DeploymentRollbackRequested command = command(null, List.of("undo-worker"), false, true);
    faults.crashAroundEveryStep(command.operationId());
    faults.failAfterItRuns(command.operationId(), "undo-workers");
    UUID id = send(command);

    PlatformOperationRolledBack rolledBack = await(MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK, id, e -> true);

    assertThat(rolledBack.failedStep()).isEqualTo("undo-workers");
    assertThat(rolledBack.compensatedSteps()).containsExactly("undo-workers", "route-traffic");
    assertThat(faults.crashes()).contains(id + "/undo-workers/before-undo", id + "/undo-workers/after-undo",
        id + "/route-traffic/before-undo", id + "/route-traffic/after-undo");
    assertThat(traffic()).isEqualTo(before);
    assertThat(updates() - updates).as("route, then restore, each once").isEqualTo(2);
    assertThat(deployment("undo-worker").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("photobomb/w:v2");
    monitoring.verify(0, getRequestedFor(urlEqualTo(HEALTH)));
  }

  /** Every step: the terminal event and the steps undone, newest first (verify keeps the rollback in place). */
  static Stream<Arguments> everyStep() {
    return Stream.of(
        Arguments.of("find-target", false, List.of()),
        Arguments.of("route-traffic", true, List.of("route-traffic")),
        Arguments.of("undo-workers", true, List.of("undo-workers", "route-traffic")),
        Arguments.of("verify", false, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyStep")
  void aStepFailingAfterItRanUndoesWhatRanBeforeItOrKeepsTheVerifiedRollback(String step, boolean rolledBack,
      List<String> compensated) {
    String suffix = step.replace("-", "");
    deploy("photobomb-api-" + suffix + "-good", "2");
    deploy("photobomb-api-" + suffix + "-bad", "3");
    worker(suffix + "-worker", "v1", "v2");
    List<TrafficTarget> before = traffic();
    DeploymentRollbackRequested command = command(null, List.of(suffix + "-worker"), false, true);
    faults.failAfterItRuns(command.operationId(), step);
    UUID id = send(command);

    if (rolledBack) {
      PlatformOperationRolledBack event = await(MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK, id, e -> true);
      assertThat(event.failedStep()).isEqualTo(step);
      assertThat(event.reason()).contains("injected failure after " + step + " ran");
      assertThat(event.compensatedSteps()).isEqualTo(compensated);
      assertThat(traffic()).isEqualTo(before);
      assertThat(deploymentImage(suffix + "-worker")).isEqualTo("photobomb/w:v2");
    } else {
      PlatformOperationFailed event = await(MessageCatalog.PLATFORM_OPERATION_FAILED, id, e -> true);
      assertThat(event.failedStep()).isEqualTo(step);
      assertThat(event.reason()).contains("injected failure after " + step + " ran");
      boolean routed = step.equals("verify");
      assertThat(traffic()).isEqualTo(routed ? allTo("photobomb-api-" + suffix + "-good") : before);
      assertThat(deploymentImage(suffix + "-worker")).isEqualTo(routed ? "photobomb/w:v1" : "photobomb/w:v2");
    }
  }

  private static String deploymentImage(String name) {
    return deployment(name).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  /** Forgets the mock API server's requests so far. */
  private static void drainKubernetesRequests() throws InterruptedException {
    while (server.takeRequest(1, TimeUnit.MILLISECONDS) != null) {
      // drained
    }
  }

  /** The mutating requests on the deployment since the last drain. */
  private static int workerEdits(String name) throws InterruptedException {
    int edits = 0;
    for (RecordedRequest request = server.takeRequest(1, TimeUnit.MILLISECONDS); request != null;
        request = server.takeRequest(1, TimeUnit.MILLISECONDS)) {
      if (!"GET".equals(request.getMethod()) && request.getPath().contains("/deployments/" + name)) {
        edits++;
      }
    }
    return edits;
  }

  private int checks(UUID id) {
    return jdbc.queryForList("SELECT coalesce((facts->>'verify.checks')::int, 0) FROM platform_operations "
        + "WHERE operation_id = ?", Integer.class, id).stream().findFirst().orElse(0);
  }

  private void errorRate(String rate) {
    monitoring.stubFor(get(urlPathEqualTo("/api/v1/query")).willReturn(okJson("{\"status\":\"success\",\"data\":"
        + "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1767225600.0,\"" + rate + "\"]}]}}")));
  }

  private static DeploymentRollbackRequested command(String revision, List<String> workers, boolean dryRun,
      boolean confirm) {
    return new DeploymentRollbackRequested(UUID.randomUUID(), revision, workers, 0, dryRun, confirm,
        "error rate spike", "oncall-ops");
  }

  /** A new revision of the API that takes all the traffic, as a deploy does. */
  private void deploy(String revision, String version) {
    Service current = service();
    services.updateServiceCallable().call(UpdateServiceRequest.newBuilder().setService(current.toBuilder()
        .setTemplate(template(revision, version)).clearTraffic().addTraffic(TrafficTarget.newBuilder()
            .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST).setPercent(100))).build());
  }

  private static RevisionTemplate template(String revision, String version) {
    return RevisionTemplate.newBuilder().setRevision(revision)
        .addContainers(Container.newBuilder().setImage("photobomb/api:" + version)).build();
  }

  private static Service service() {
    return cloudRun.service(API).orElseThrow();
  }

  private static List<TrafficTarget> traffic() {
    return service().getTrafficList();
  }

  private static List<TrafficTarget> allTo(String revision) {
    return List.of(TrafficTarget.newBuilder().setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION)
        .setRevision(revision).setPercent(100).build());
  }

  private static int updates() {
    return cloudRun.calls("UpdateService").size();
  }

  /**
   * A worker deployment with one ReplicaSet per image, revisions 1..n as the controller leaves them (owned by the
   * deployment, the pod template with its pod-template-hash label), the deployment's template the newest.
   */
  private static void worker(String name, String... images) {
    Deployment deployment = client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
        .withNewMetadata().withName(name).addToAnnotations("deployment.kubernetes.io/revision",
            Integer.toString(images.length)).endMetadata()
        .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("worker").withImage("photobomb/w:" + images[images.length - 1])
        .endContainer().endSpec().endTemplate().endSpec().build()).create();
    for (int i = 0; i < images.length; i++) {
      String hash = "h" + i + Integer.toHexString(name.hashCode());
      client.apps().replicaSets().inNamespace(NAMESPACE).resource(new ReplicaSetBuilder()
          .withNewMetadata().withName(name + "-" + hash).addToLabels("app", name).addToLabels("pod-template-hash", hash)
          .addToAnnotations("deployment.kubernetes.io/revision", Integer.toString(i + 1))
          .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName(name)
          .withUid(deployment.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
          .withNewSpec().withReplicas(i == images.length - 1 ? 2 : 0).withNewSelector().addToMatchLabels("app", name)
          .addToMatchLabels("pod-template-hash", hash).endSelector()
          .withNewTemplate().withNewMetadata().addToLabels("app", name).addToLabels("pod-template-hash", hash)
          .endMetadata().withNewSpec().addNewContainer().withName("worker").withImage("photobomb/w:" + images[i])
          .endContainer().endSpec().endTemplate().endSpec().build()).create();
    }
  }

  private static Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
  }

  private UUID send(DeploymentRollbackRequested command) {
    MessageType<DeploymentRollbackRequested> type = MessageCatalog.DEPLOYMENT_ROLLBACK_REQUESTED;
    Map<String, String> headers = TestCommands.headers(type, UUID.randomUUID().toString(), command.key(), null);
    kafka.send(type.topic(), command.key(), headers, codec.encode(command).getBytes(StandardCharsets.UTF_8));
    return command.operationId();
  }

  private <T extends PhotobombMessage> T await(MessageType<T> type, UUID id, Predicate<T> match) {
    return codec.decode(type, kafka.await(type.topic(),
        r -> id.toString().equals(r.key()) && match.test(codec.decode(type, r.value())), WAIT).value());
  }

  private List<PlatformOperationProgressed> progress(UUID id) {
    return kafka.readAll(MessageCatalog.PLATFORM_OPERATION_PROGRESSED.topic()).stream()
        .filter(r -> id.toString().equals(r.key()))
        .map(r -> codec.decode(MessageCatalog.PLATFORM_OPERATION_PROGRESSED, r.value())).toList();
  }
}
