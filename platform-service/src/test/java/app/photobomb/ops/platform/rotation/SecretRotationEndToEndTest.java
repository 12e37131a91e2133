package app.photobomb.ops.platform.rotation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.moreThanOrExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PlatformOperationCompleted;
import app.photobomb.ops.common.events.PlatformOperationFailed;
import app.photobomb.ops.common.events.PlatformOperationPlanned;
import app.photobomb.ops.common.events.PlatformOperationPlanned.PlannedStep;
import app.photobomb.ops.common.events.PlatformOperationProgressed;
import app.photobomb.ops.common.events.PlatformOperationRolledBack;
import app.photobomb.ops.common.events.SecretRotationRequested;
import app.photobomb.ops.platform.PlatformEvents;
import app.photobomb.ops.platform.PlatformServiceApplication;
import app.photobomb.ops.platform.saga.SagaScheduler;
import app.photobomb.ops.platform.saga.StepFaults;
import app.photobomb.ops.storage.b2.FakeB2Server;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.testsupport.ServiceReplica;
import app.photobomb.ops.testsupport.cloudflare.CloudflarePlanLimits;
import app.photobomb.ops.testsupport.cloudflare.CloudflareStandIn;
import app.photobomb.ops.testsupport.google.FakeCloudRun;
import app.photobomb.ops.testsupport.google.FakeSecretManager;
import app.photobomb.ops.testsupport.google.FakeSqlAdmin;
import app.photobomb.ops.testsupport.google.GoogleFakeServer;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.backblaze.b2.client.B2ClientConfig;
import com.backblaze.b2.client.B2StorageClient;
import com.backblaze.b2.client.exceptions.B2Exception;
import com.backblaze.b2.client.structures.B2CreateKeyRequest;
import com.backblaze.b2.client.structures.B2CreatedApplicationKey;
import com.backblaze.b2.client.webApiHttpClient.B2StorageHttpClientBuilder;
import com.backblaze.b2.client.webApiHttpClient.HttpClientFactoryImpl;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.EnvVarSource;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.protobuf.FieldMask;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.SecretKeySelector;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import com.google.cloud.secretmanager.v1.SecretVersion.State;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The secret-rotation saga end to end: the command in over the real Kafka; Secret Manager and Cloud Run as in-process
 * gRPC fakes behind the real clients; Cloud SQL Admin (FakeSqlAdmin), B2 keys (FakeB2Server), Cloudflare tokens
 * (CloudflareStandIn) on loopback; the workers on Fabric8's mock server, where a small controller in this test marks
 * a restarted deployment rolled out; the API's login check on WireMock; the events out over Kafka, the saga's state
 * in PostgreSQL.
 */
@ExtendWith(RealServersExtension.class)
@EnableKubernetesMockClient(crud = true, https = false)
@SpringBootTest(properties = {"spring.config.name=" + PlatformServiceApplication.CONFIG_NAME,
    "photobomb.platform.google.local=true",
    "photobomb.platform.google.project=photobomb-test",
    "photobomb.platform.google.region=europe-west1",
    "photobomb.platform.runner-interval=100ms",
    "photobomb.platform.max-backoff=200ms",
    "photobomb.platform.rotation.poll-interval=100ms",
    "photobomb.platform.rotation.verify-timeout=8s",
    "photobomb.platform.rotation.check-timeout=2s",
    "photobomb.platform.rotation.grace=0s",
    "photobomb.platform.rotation.database.instance=photobomb-db",
    "photobomb.platform.rotation.b2.allow-insecure-http=true",
    "photobomb.platform.rotation.cloudflare.zone-id=" + SecretRotationEndToEndTest.ZONE})
@Import(StepFaults.class)
class SecretRotationEndToEndTest {

  static final String ZONE = "zone-rotation";
  private static final String DATABASE = "platform_rotation_e2e";
  private static final String PROJECT = "photobomb-test";
  private static final String API = "projects/photobomb-test/locations/europe-west1/services/photobomb-api";
  private static final String NAMESPACE = "photobomb";
  private static final String LOGIN = "/healthz/auth";
  private static final List<String> WORKERS = List.of("thumbnail-worker", "face-worker");
  private static final String WORKER_SECRET = "photobomb-worker-secrets";
  private static final String ADMIN_TOKEN = "cloudflare-admin-token-for-tests-000000000";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static final FakeSecretManager secretManager = new FakeSecretManager();
  private static final FakeCloudRun cloudRun = new FakeCloudRun();
  private static final GoogleFakeServer google = GoogleFakeServer.inProcess("rotation-e2e-" + UUID.randomUUID(),
      cloudRun, secretManager);
  private static final FakeSqlAdmin sqlAdmin = FakeSqlAdmin.start(PROJECT)
      .seedInstance("photobomb-db", "POSTGRES_16", "db-custom-4-16384", Map.of())
      .seedUser("photobomb-db", "photobomb_app_a").seedUser("photobomb-db", "photobomb_app_b");
  private static final WireMockServer login = new WireMockServer(WireMockConfiguration.options().dynamicPort());
  private static final CloudflareStandIn cloudflare = CloudflareStandIn.start(new CloudflareStandIn.Settings(0,
      ADMIN_TOKEN, ZONE, CloudflarePlanLimits.PRO, null));
  private static final FakeB2Server b2 = startB2();
  private static final AtomicBoolean controllerRollsOut = new AtomicBoolean(true);
  private static final ScheduledExecutorService controller = Executors.newSingleThreadScheduledExecutor();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static PlatformEvents events;
  private static KafkaTestClient kafka;
  static KubernetesMockServer server;
  static KubernetesClient client;

  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  @Autowired
  SagaScheduler scheduler;
  @Autowired
  ConfigurableEnvironment environment;
  @Autowired
  StepFaults faults;
  @Autowired
  ServicesClient services;

  static {
    login.start();
    seedSecret("database-user", "photobomb_app_a");
    seedSecret("database-password", "old-database-password-" + UUID.randomUUID());
    seedSecret("jwt-secret", "old-jwt-secret-" + UUID.randomUUID());
    B2CreatedApplicationKey workersKey = createB2Key("photobomb-workers");
    seedSecret("b2-application-key-id", workersKey.getApplicationKeyId());
    seedSecret("b2-application-key", workersKey.getApplicationKey());
    seedSecret("cloudflare-api-token", createCloudflareToken("photobomb-cdn"));
    cloudRun.seedService(API, RevisionTemplate.newBuilder().setRevision("photobomb-api-first")
        .addContainers(Container.newBuilder().setImage("photobomb/api:1")
            .addEnv(EnvVar.newBuilder().setName("PORT").setValue("8080"))
            .addEnv(secretEnv("DATABASE_USER", "database-user"))
            .addEnv(secretEnv("DATABASE_PASSWORD", "database-password"))
            .addEnv(secretEnv("JWT_SECRET", "jwt-secret"))
            .addEnv(secretEnv("B2_APPLICATION_KEY_ID", "b2-application-key-id"))
            .addEnv(secretEnv("B2_APPLICATION_KEY", "b2-application-key"))).build());
  }

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, DATABASE, DatabaseRole.PLATFORM);
    registry.add("photobomb.platform.google.cloud-run-endpoint", google::target);
    registry.add("photobomb.platform.google.secret-manager-endpoint", google::target);
    registry.add("photobomb.platform.google.sql-admin-url", sqlAdmin::rootUrl);
    registry.add("photobomb.platform.kubernetes.master-url", () -> client.getConfiguration().getMasterUrl());
    registry.add("photobomb.platform.kubernetes.namespace", () -> NAMESPACE);
    registry.add("photobomb.platform.rotation.health-url", () -> login.baseUrl() + LOGIN);
    registry.add("photobomb.platform.rotation.b2.api-url", b2::baseUrl);
    registry.add("photobomb.platform.rotation.b2.admin-key-id", b2::applicationKeyId);
    registry.add("photobomb.platform.rotation.b2.admin-key", b2::applicationKey);
    registry.add("photobomb.platform.rotation.cloudflare.api-url", cloudflare::apiUrl);
    registry.add("photobomb.platform.rotation.cloudflare.admin-token", () -> ADMIN_TOKEN);
  }

  @BeforeAll
  static void connect() {
    kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers());
    events = new PlatformEvents(RealServers.endpoints().kafkaBootstrapServers());
    controller.scheduleWithFixedDelay(SecretRotationEndToEndTest::rollOutRestartedWorkers, 50, 50,
        TimeUnit.MILLISECONDS);
  }

  @AfterAll
  static void disconnect() {
    controller.shutdownNow();
    events.close();
    kafka.close();
    google.close();
    sqlAdmin.close();
    login.stop();
    cloudflare.close();
    b2.close();
  }

  @BeforeEach
  void workersAndLogin() {
    login.resetAll();
    login.stubFor(get(LOGIN).willReturn(aResponse().withStatus(200).withBody("{\"login\":\"ok\"}")));
    controllerRollsOut.set(true);
    for (String worker : WORKERS) {
      if (deployment(worker) == null) {
        client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
            .withNewMetadata().withName(worker).endMetadata()
            .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", worker).endSelector()
            .withNewTemplate().withNewMetadata().addToLabels("app", worker).endMetadata()
            .withNewSpec().addNewContainer().withName("worker").withImage("photobomb/" + worker + ":1")
            .endContainer().endSpec().endTemplate().endSpec().build()).create();
      }
    }
    if (client.secrets().inNamespace(NAMESPACE).withName(WORKER_SECRET).get() == null) {
      client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName(WORKER_SECRET)
          .endMetadata().addToData("DATABASE_USER", base64("photobomb_app_a"))
          .addToData("DATABASE_PASSWORD", base64(secretManager.value(secret("database-password"), "1").orElseThrow()))
          .addToData("B2_APPLICATION_KEY_ID", base64(secretManager.value(secret("b2-application-key-id"), "1")
              .orElseThrow()))
          .addToData("B2_APPLICATION_KEY", base64(secretManager.value(secret("b2-application-key"), "1")
              .orElseThrow()))
          .addToData("OTHER", base64("kept")).build()).create();
    }
    logs.start();
    root().addAppender(logs);
  }

  @AfterEach
  void stopCapturing() {
    root().detachAppender(logs);
    cloudRun.revisionsFailToBecomeReady(false);
  }

  @Test
  void rotationOfAllFourSwitchesUsersPinsTheApiRestartsWorkersAndRevokesTheOldKeyAndTokenLast() throws Exception {
    Snapshot before = snapshot();
    UUID id = send(command(List.of(), false, true));

    PlatformOperationCompleted completed = events.await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);

    assertRotated(before, id, completed);
  }

  @Test
  void dryRunAnswersThePlanAndChangesNothing() {
    Snapshot before = snapshot();
    int added = secretManager.calls("AddSecretVersion").size();
    UUID id = send(command(List.of(), true, false));

    PlatformOperationPlanned planned = events.await(MessageCatalog.PLATFORM_OPERATION_PLANNED, id);
    PlatformOperationCompleted completed = events.await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);

    assertThat(planned.dryRun()).isTrue();
    assertThat(planned.steps()).extracting(PlannedStep::name, PlannedStep::destructive).containsExactly(
        tuple("read-current", false),
        tuple("set-idle-password", false),
        tuple("switch-database-user", false),
        tuple("rotate-jwt-secret", false),
        tuple("create-b2-key", false),
        tuple("create-cloudflare-token", false),
        tuple("deploy-api-revision", true),
        tuple("restart-workers", true),
        tuple("verify", false),
        tuple("revoke-b2-key", true),
        tuple("revoke-cloudflare-token", true),
        tuple("disable-old-versions", true));
    assertThat(planned.notes()).anySatisfy(note -> assertThat(note).contains(before.liveUser() + " is live"));
    assertThat(completed.dryRun()).isTrue();
    assertThat(secretManager.calls("AddSecretVersion")).hasSize(added);
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void unconfirmedRotationIsRefusedAtThePlan() {
    Snapshot before = snapshot();
    UUID id = send(command(List.of("jwt"), false, false));

    PlatformOperationFailed failed = events.await(MessageCatalog.PLATFORM_OPERATION_FAILED, id);

    assertThat(failed.failedStep()).isEqualTo("plan");
    assertThat(failed.reason()).contains("deploy-api-revision").contains("confirm: true");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void revisionThatNeverGetsReadyUndoesTheNewVersionsKeyAndTokenAndKeepsTheOldOnesWorking() throws Exception {
    Snapshot before = snapshot();
    String servingBefore = serving();
    cloudRun.revisionsFailToBecomeReady(true);
    UUID id = send(command(List.of(), false, true));

    PlatformOperationRolledBack rolledBack = events.await(MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK, id);

    assertThat(rolledBack.failedStep()).isEqualTo("deploy-api-revision");
    assertThat(rolledBack.reason()).contains("is not ready");
    assertThat(rolledBack.compensatedSteps()).containsExactly("deploy-api-revision", "create-cloudflare-token",
        "create-b2-key", "rotate-jwt-secret", "switch-database-user", "set-idle-password");
    assertUndone(before);
    assertThat(serving()).isEqualTo(servingBefore);
    assertThat(workerSecret()).isEqualTo(before.workerSecret());
  }

  @Test
  void loginCheckThatKeepsFailingUndoesTheRotationAndRevokesNothing() throws Exception {
    Snapshot before = snapshot();
    String servingBefore = serving();
    login.stubFor(get(LOGIN).willReturn(aResponse().withStatus(401)));
    UUID id = send(command(List.of(), false, true));

    PlatformOperationRolledBack rolledBack = events.await(MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK, id);

    assertThat(rolledBack.failedStep()).isEqualTo("verify");
    assertThat(rolledBack.reason()).contains("answered 401").contains("Nothing old was revoked");
    assertThat(rolledBack.compensatedSteps()).containsExactly("restart-workers", "deploy-api-revision",
        "create-cloudflare-token", "create-b2-key", "rotate-jwt-secret", "switch-database-user",
        "set-idle-password");
    assertUndone(before);
    assertThat(serving()).isEqualTo(servingBefore);
    assertThat(workerSecret()).as("the last-known-good credentials written back").isEqualTo(before.workerSecret());
    assertThat(progress(id)).extracting(PlatformOperationProgressed::step).doesNotContain("revoke-b2-key",
        "revoke-cloudflare-token");
  }

  @Test
  void restartWhileVerifyWaitsRepeatsNoEffect() throws Exception {
    Snapshot before = snapshot();
    int added = secretManager.calls("AddSecretVersion").size();
    int updates = userUpdates();
    controllerRollsOut.set(false);
    UUID id;
    scheduler.stop();
    try {
      try (ServiceReplica first = ServiceReplica.start(PlatformServiceApplication.application(), environment)) {
        id = send(command(List.of(), false, true));
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> stepIndex(id) == 8);
        first.bean(SagaScheduler.class).stop();
      }
      assertThat(stepIndex(id)).as("stopped while verify waits").isEqualTo(8);
      Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(progress(id))
          .extracting(PlatformOperationProgressed::step).endsWith("restart-workers"));
    } finally {
      controllerRollsOut.set(true);
      scheduler.start();
    }

    PlatformOperationCompleted completed = events.await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);

    assertThat(completed.dryRun()).isFalse();
    assertThat(userUpdates() - updates).as("users.update across the restart").isEqualTo(1);
    assertThat(secretManager.calls("AddSecretVersion").size() - added).as("one version per secret")
        .isEqualTo(SECRETS.size());
    assertThat(calls("b2_create_key") - before.b2Creates()).as("b2_create_key across the restart").isEqualTo(1);
    assertThat(cloudflare.liveTokens()).hasSameSizeAs(before.tokens());
    assertThat(progress(id)).extracting(PlatformOperationProgressed::step).doesNotHaveDuplicates();
  }

  @Test
  void rotationAfterATrafficRollbackPinsTheServingRevisionsCodeNotTheRolledBackTemplate() throws Exception {
    // a rollback leaves the traffic on an older revision and the service's template on the release it left
    String serving = serving();
    Revision servingRevision = cloudRun.revisions(API).stream().filter(r -> r.getName().endsWith("/" + serving))
        .findFirst().orElseThrow();
    Service service = cloudRun.service(API).orElseThrow();
    RevisionTemplate bad = service.getTemplate().toBuilder().setRevision("photobomb-api-bad-" + UUID.randomUUID()
        .toString().substring(0, 8)).setContainers(0, service.getTemplate().getContainers(0).toBuilder()
        .setImage("photobomb/api:rolled-back")).build();
    services.updateServiceAsync(UpdateServiceRequest.newBuilder().setService(Service.newBuilder().setName(API)
        .setTemplate(bad).addTraffic(allTo(serving))).setUpdateMask(FieldMask.newBuilder().addPaths("template")
        .addPaths("traffic")).build()).get();
    assertThat(serving()).isEqualTo(serving);

    UUID id = send(command(List.of(), false, true));
    PlatformOperationCompleted completed = events.await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);

    String revision = completed.results().get("apiRevision");
    Revision created = cloudRun.revisions(API).stream().filter(r -> r.getName().endsWith("/" + revision))
        .findFirst().orElseThrow();
    assertThat(created.getContainers(0).getImage()).as("the code that served before the rotation")
        .isEqualTo(servingRevision.getContainers(0).getImage()).isNotEqualTo("photobomb/api:rolled-back");
    assertThat(serving()).isEqualTo(revision);
  }

  @Test
  void rotationLeavesNoSecretValueInEventsFactsAuditRowsOrLogs() throws Exception {
    UUID id = send(command(List.of(), false, true));
    events.await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);

    assertNoSecretValueIn(id);
  }

  @Test
  void aCrashBeforeAndAfterEveryStepStillRotatesWithOneEffectEach() throws Exception {
    Snapshot before = snapshot();
    Effects effects = effects();
    UUID id = UUID.randomUUID();
    faults.crashAroundEveryStep(id);
    send(command(id, List.of()));

    PlatformOperationCompleted completed = events.await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);

    assertThat(faults.crashes()).containsAll(STEPS.stream().flatMap(step -> Stream.of(
        id + "/" + step + "/before-run", id + "/" + step + "/after-run")).toList());
    assertRotated(before, id, completed);
    assertThat(effects().since(effects)).isEqualTo(new Effects(1, SECRETS.size(), 1, 1, 2, 2, 1));
    String newToken = value("cloudflare-api-token", before.newest().get("cloudflare-api-token") + 1);
    assertThat(newTokens(before)).as("one new token, named after the operation")
        .containsOnly(Map.entry(tokenId(newToken), "photobomb-rotation-" + id));
    assertNoSecretValueIn(id);
  }

  @Test
  void aCrashAroundEveryStepAndEveryUndoOfAFailedVerifyUndoesEachEffectOnce() throws Exception {
    Snapshot before = snapshot();
    String servingBefore = serving();
    Effects effects = effects();
    UUID id = UUID.randomUUID();
    faults.crashAroundEveryStep(id);
    faults.failAfterItRuns(id, "verify");
    send(command(id, List.of()));

    PlatformOperationRolledBack rolledBack = events.await(MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK, id);

    assertThat(rolledBack.failedStep()).isEqualTo("verify");
    assertThat(rolledBack.compensatedSteps()).containsExactly(UNDONE_AFTER_VERIFY.toArray(String[]::new));
    assertThat(faults.crashes()).containsAll(UNDONE_AFTER_VERIFY.stream().flatMap(step -> Stream.of(
        id + "/" + step + "/before-undo", id + "/" + step + "/after-undo")).toList());
    assertUndone(before);
    assertThat(serving()).isEqualTo(servingBefore);
    assertThat(workerSecret()).isEqualTo(before.workerSecret());
    // deploy, route, route back; the workers restarted with the new secrets and again with the old ones
    assertThat(effects().since(effects)).isEqualTo(new Effects(1, SECRETS.size(), 1, 1, 3, 4, 2));
    assertNoSecretValueIn(id);
  }

  /** Every step, the terminal event a failure after it ran ends in, and the steps undone, newest first. */
  static Stream<Arguments> everyStep() {
    List<String> created = List.of("create-cloudflare-token", "create-b2-key", "rotate-jwt-secret",
        "switch-database-user", "set-idle-password");
    return Stream.of(
        arguments("read-current", false, List.of()),
        arguments("set-idle-password", true, created.subList(4, 5)),
        arguments("switch-database-user", true, created.subList(3, 5)),
        arguments("rotate-jwt-secret", true, created.subList(2, 5)),
        arguments("create-b2-key", true, created.subList(1, 5)),
        arguments("create-cloudflare-token", true, created),
        arguments("deploy-api-revision", true, UNDONE_AFTER_VERIFY.subList(1, UNDONE_AFTER_VERIFY.size())),
        arguments("restart-workers", true, UNDONE_AFTER_VERIFY),
        arguments("verify", true, UNDONE_AFTER_VERIFY),
        arguments("revoke-b2-key", false, List.of()),
        arguments("revoke-cloudflare-token", false, List.of()),
        arguments("disable-old-versions", false, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyStep")
  void aStepThatFailsAfterItRanIsUndoneWithEveryStepBeforeItOrKeptWhenItComesAfterTheVerification(String step,
      boolean rollsBack, List<String> undone) throws Exception {
    assertThat(STEPS).as("the matrix covers every step").containsExactlyElementsOf(everyStep()
        .map(arguments -> (String) arguments.get()[0]).toList());
    Snapshot before = snapshot();
    String servingBefore = serving();
    UUID id = UUID.randomUUID();
    faults.failAfterItRuns(id, step);
    send(command(id, List.of()));

    if (rollsBack) {
      PlatformOperationRolledBack rolledBack = events.await(MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK, id);
      assertThat(rolledBack.failedStep()).isEqualTo(step);
      assertThat(rolledBack.reason()).contains("injected failure after " + step);
      assertThat(rolledBack.compensatedSteps()).containsExactlyElementsOf(undone);
      assertNothingNewInUse(before);
      assertThat(serving()).isEqualTo(servingBefore);
      assertThat(workerSecret()).isEqualTo(before.workerSecret());
      if (undone.contains("set-idle-password")) {
        // the idle user's users.update finished before the undo ended: the instance is free for the next rotation
        assertThat(passwordChanges(idleOf(before))).isEqualTo(before.passwordChanges().get(idleOf(before)) + 1);
      }
      return;
    }
    PlatformOperationFailed failed = events.await(MessageCatalog.PLATFORM_OPERATION_FAILED, id);
    assertThat(failed.failedStep()).isEqualTo(step);
    assertThat(failed.reason()).contains("injected failure after " + step);
    if (step.equals("read-current")) {
      assertThat(snapshot()).isEqualTo(before);
      return;
    }
    // after the verification nothing is undone: the new secrets serve, what the step revoked stays revoked
    assertThat(serving()).isEqualTo("photobomb-api-rotation-" + id.toString().substring(0, 8));
    String newToken = value("cloudflare-api-token", before.newest().get("cloudflare-api-token") + 1);
    assertThat(verifyToken(newToken)).isEqualTo(200);
    assertThat(b2.createdKeyIds()).contains(value("b2-application-key-id",
        before.newest().get("b2-application-key-id") + 1));
    assertThat(b2.createdKeyIds()).as("old key deleted").doesNotContain(before.b2KeyId());
    assertThat(verifyToken(before.token())).as("old token").isEqualTo(step.equals("revoke-b2-key") ? 200 : 401);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"b2", "cloudflare"})
  void aKeyOrTokenWhoseSecretNeverReachedSecretManagerIsDeletedAndMadeAgainNotLeftLive(String kind)
      throws Exception {
    Snapshot before = snapshot();
    Effects effects = effects();
    UUID id = UUID.randomUUID();
    // the first version this rotation adds is the new key's or token's: it fails after the create answered
    secretManager.failNextCalls("AddSecretVersion", Status.UNAVAILABLE, 1);
    send(command(id, List.of(kind)));

    events.await(MessageCatalog.PLATFORM_OPERATION_COMPLETED, id);

    if (kind.equals("b2")) {
      String newKeyId = value("b2-application-key-id", before.newest().get("b2-application-key-id") + 1);
      Set<String> added = new HashSet<>(b2.createdKeyIds());
      added.removeAll(before.b2Keys());
      assertThat(added).as("exactly one new key: the one in Secret Manager").containsExactly(newKeyId);
      assertThat(b2Client(newKeyId, value("b2-application-key", before.newest().get("b2-application-key") + 1))
          .getAccountAuthorization().getAccountId()).isNotBlank();
      // the orphan and the old key deleted
      assertThat(effects().since(effects).b2Deletes()).isEqualTo(2);
    } else {
      String newToken = value("cloudflare-api-token", before.newest().get("cloudflare-api-token") + 1);
      assertThat(verifyToken(newToken)).isEqualTo(200);
      assertThat(newTokens(before)).as("exactly one new token: the one in Secret Manager")
          .containsOnly(Map.entry(tokenId(newToken), "photobomb-rotation-" + id));
    }
    for (String name : SECRETS.stream().filter(name -> name.startsWith(kind)).toList()) {
      assertThat(secretManager.states(secret(name))).as(name).hasSize((int) (before.newest().get(name) + 1));
    }
    assertNoSecretValueIn(id);
  }

  private static final List<String> STEPS = List.of("read-current", "set-idle-password", "switch-database-user",
      "rotate-jwt-secret", "create-b2-key", "create-cloudflare-token", "deploy-api-revision", "restart-workers",
      "verify", "revoke-b2-key", "revoke-cloudflare-token", "disable-old-versions");
  private static final List<String> UNDONE_AFTER_VERIFY = List.of("restart-workers", "deploy-api-revision",
      "create-cloudflare-token", "create-b2-key", "rotate-jwt-secret", "switch-database-user", "set-idle-password");
  private static final List<RecordedRequest> kubernetesRequests = new ArrayList<>();

  /** The stand-ins' mutating calls so far: users.update, AddSecretVersion, B2 key creates and deletes, Cloud Run
   * updates, edits of the workers' deployments (restarts) and of their Secret. */
  private record Effects(int passwordUpdates, int versionsAdded, int b2Creates, int b2Deletes, int apiUpdates,
      int workerRestarts, int workerSecretEdits) {

    Effects since(Effects before) {
      return new Effects(passwordUpdates - before.passwordUpdates, versionsAdded - before.versionsAdded,
          b2Creates - before.b2Creates, b2Deletes - before.b2Deletes, apiUpdates - before.apiUpdates,
          workerRestarts - before.workerRestarts, workerSecretEdits - before.workerSecretEdits);
    }
  }

  private static Effects effects() throws InterruptedException {
    synchronized (kubernetesRequests) {
      for (RecordedRequest request = server.takeRequest(1, TimeUnit.MILLISECONDS); request != null;
          request = server.takeRequest(1, TimeUnit.MILLISECONDS)) {
        kubernetesRequests.add(request);
      }
      return new Effects(userUpdates(), secretManager.calls("AddSecretVersion").size(), calls("b2_create_key"),
          calls("b2_delete_key"), cloudRun.calls("UpdateService").size(),
          kubernetesEdits("/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments/"),
          kubernetesEdits("/api/v1/namespaces/" + NAMESPACE + "/secrets/" + WORKER_SECRET));
    }
  }

  /** PATCH / PUT requests on a resource under {@code path}, not on its status. */
  private static int kubernetesEdits(String path) {
    return (int) kubernetesRequests.stream().filter(request -> Set.of("PATCH", "PUT").contains(request.getMethod())
        && request.getPath().startsWith(path) && !request.getPath().endsWith("/status")).count();
  }

  /** Nothing this rotation made is in use: its versions not enabled, its key and token gone, the old ones live. */
  private void assertNothingNewInUse(Snapshot before) throws Exception {
    for (String name : SECRETS) {
      Map<Long, State> states = secretManager.states(secret(name));
      assertThat(states).as(name).containsEntry(before.enabled().get(name), State.ENABLED);
      states.forEach((version, state) -> {
        if (version > before.newest().get(name)) {
          assertThat(state).as(name + "@" + version).isNotEqualTo(State.ENABLED);
        }
      });
    }
    assertThat(b2.createdKeyIds()).as("no new key, the old kept").isEqualTo(before.b2Keys());
    assertThat(b2Client(before.b2KeyId(), value("b2-application-key", before.enabled().get("b2-application-key")))
        .getAccountAuthorization().getAccountId()).isNotBlank();
    assertThat(cloudflare.liveTokens()).as("no new token, the old kept").isEqualTo(before.tokens());
    assertThat(verifyToken(before.token())).isEqualTo(200);
    assertThat(value("database-user", enabled("database-user"))).isEqualTo(before.liveUser());
  }

  private static String idleOf(Snapshot before) {
    return before.liveUser().equals("photobomb_app_a") ? "photobomb_app_b" : "photobomb_app_a";
  }

  /** The live tokens that were not live before. */
  private static Map<String, String> newTokens(Snapshot before) {
    Map<String, String> added = new HashMap<>(cloudflare.liveTokens());
    added.keySet().removeAll(before.tokens().keySet());
    return added;
  }

  /** A live token's id, as verify tells it. */
  private static String tokenId(String token) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        cloudflare.apiUrl() + "/user/tokens/verify")).header("Authorization", "Bearer " + token).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body()).path("result").path("id").asString();
  }

  /** The rotation of all four in place: new users, versions, key, token, pinned revision, workers; old ones revoked. */
  private void assertRotated(Snapshot before, UUID id, PlatformOperationCompleted completed) throws Exception {
    assertThat(completed.dryRun()).isFalse();
    assertThat(progress(id)).extracting(PlatformOperationProgressed::step, PlatformOperationProgressed::status)
        .containsExactly(tuple("read-current", "done"),
            tuple("set-idle-password", "done"),
            tuple("switch-database-user", "done"),
            tuple("rotate-jwt-secret", "done"),
            tuple("create-b2-key", "done"),
            tuple("create-cloudflare-token", "done"),
            tuple("deploy-api-revision", "done"),
            tuple("restart-workers", "done"),
            tuple("verify", "done"),
            tuple("revoke-b2-key", "done"),
            tuple("revoke-cloudflare-token", "done"),
            tuple("disable-old-versions", "done"));
    String idle = before.liveUser().equals("photobomb_app_a") ? "photobomb_app_b" : "photobomb_app_a";
    assertThat(completed.results()).containsEntry("databaseUser", idle);
    // the idle user got its password once, the live one none
    assertThat(passwordChanges(idle)).isEqualTo(before.passwordChanges().get(idle) + 1);
    assertThat(passwordChanges(before.liveUser())).isEqualTo(before.passwordChanges().get(before.liveUser()));
    // one new version each; the last-known-good stays enabled, the one before it is disabled (grace 0 in the test)
    for (String name : SECRETS) {
      long lastKnownGood = before.enabled().get(name);
      Map<Long, State> states = secretManager.states(secret(name));
      assertThat(states).as(name).containsEntry(before.newest().get(name) + 1, State.ENABLED)
          .containsEntry(lastKnownGood, State.ENABLED).hasSize((int) (before.newest().get(name) + 1));
      states.forEach((version, state) -> {
        if (version < lastKnownGood) {
          assertThat(state).as(name + "@" + version).isNotEqualTo(State.ENABLED);
        }
      });
    }
    assertThat(value("database-user", before.newest().get("database-user") + 1)).isEqualTo(idle);
    String newKeyId = value("b2-application-key-id", before.newest().get("b2-application-key-id") + 1);
    String newKey = value("b2-application-key", before.newest().get("b2-application-key") + 1);
    String newToken = value("cloudflare-api-token", before.newest().get("cloudflare-api-token") + 1);
    // create new first, delete old last: the new key and token work, the old ones are gone
    assertThat(b2.createdKeyIds()).contains(newKeyId).doesNotContain(before.b2KeyId());
    assertThat(b2Client(newKeyId, newKey).getAccountAuthorization().getAccountId()).isNotBlank();
    assertThat(verifyToken(newToken)).isEqualTo(200);
    assertThat(verifyToken(before.token())).isEqualTo(401);
    assertThat(calls("b2_create_key")).isEqualTo(before.b2Creates() + 1);
    // the API: a new revision pinned to the new version numbers, never latest, with all the traffic
    String revision = "photobomb-api-rotation-" + id.toString().substring(0, 8);
    assertThat(completed.results()).containsEntry("apiRevision", revision);
    assertThat(cloudRun.service(API).orElseThrow().getTrafficList()).containsExactly(allTo(revision));
    Revision created = cloudRun.revisions(API).stream().filter(r -> r.getName().endsWith("/" + revision))
        .findFirst().orElseThrow();
    Map<String, String> pins = new HashMap<>();
    created.getContainers(0).getEnvList().stream().filter(EnvVar::hasValueSource).forEach(env -> pins.put(
        env.getValueSource().getSecretKeyRef().getSecret(), env.getValueSource().getSecretKeyRef().getVersion()));
    for (String name : SECRETS) {
      if (!name.equals("cloudflare-api-token")) {
        assertThat(pins).as(name).containsEntry(name, Long.toString(before.newest().get(name) + 1));
      }
    }
    // the workers: their Secret has the new credentials, and each was restarted once
    Map<String, String> workerSecret = workerSecret();
    assertThat(workerSecret).containsEntry("DATABASE_USER", idle)
        .containsEntry("DATABASE_PASSWORD", value("database-password", before.newest().get("database-password") + 1))
        .containsEntry("B2_APPLICATION_KEY_ID", newKeyId).containsEntry("B2_APPLICATION_KEY", newKey)
        .containsEntry("OTHER", "kept");
    for (String worker : WORKERS) {
      assertThat(restartedAt(worker)).as(worker).isNotNull().isNotEqualTo(before.restartedAt().get(worker));
    }
    login.verify(moreThanOrExactly(1), getRequestedFor(urlEqualTo(LOGIN)));
  }

  /** No secret value (any version of the rotated secrets, the admin key and token) in the operation's traces. */
  private void assertNoSecretValueIn(UUID id) {
    List<String> values = new ArrayList<>(List.of(b2.applicationKey(), ADMIN_TOKEN));
    for (String name : List.of("database-password", "jwt-secret", "b2-application-key", "cloudflare-api-token")) {
      secretManager.states(secret(name)).keySet().forEach(version -> secretManager.value(secret(name),
          Long.toString(version)).ifPresent(values::add));
    }
    List<String> seen = new ArrayList<>();
    for (MessageType<?> type : List.of(MessageCatalog.SECRET_ROTATION_REQUESTED,
        MessageCatalog.PLATFORM_OPERATION_PLANNED, MessageCatalog.PLATFORM_OPERATION_PROGRESSED,
        MessageCatalog.PLATFORM_OPERATION_COMPLETED, MessageCatalog.PLATFORM_OPERATION_FAILED,
        MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK)) {
      kafka.readAll(type.topic()).stream().filter(record -> id.toString().equals(record.key()))
          .forEach(record -> seen.add(new String(record.value(), StandardCharsets.UTF_8)));
    }
    assertThat(seen).hasSizeGreaterThan(5);
    seen.addAll(jdbc.queryForList("SELECT facts::text || command::text FROM platform_operations "
        + "WHERE operation_id = ?", String.class, id));
    seen.addAll(jdbc.queryForList("SELECT action || details::text FROM audit_logs WHERE details->>'operationId' = ?",
        String.class, id.toString()));
    List<String> lines = logs.list.stream().map(event -> event.getFormattedMessage()
        + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()))).toList();
    assertThat(lines).anySatisfy(line -> assertThat(line).contains(id.toString()).contains("verify"));
    seen.addAll(lines);

    assertThat(values).as("the admin key and token, a value of each rotated secret").hasSizeGreaterThanOrEqualTo(6);
    for (String text : seen) {
      for (String value : values) {
        assertThat(text).doesNotContain(value);
      }
    }
  }

  /** The undo before revoking: new versions disabled, new key and token deleted, old ones enabled and working. */
  private void assertUndone(Snapshot before) throws Exception {
    for (String name : SECRETS) {
      assertThat(secretManager.states(secret(name))).as(name).containsEntry(before.enabled().get(name), State.ENABLED)
          .containsEntry(before.newest().get(name) + 1, State.DISABLED);
    }
    assertThat(b2.createdKeyIds()).as("the new key deleted, the old kept").isEqualTo(before.b2Keys());
    assertThat(b2Client(before.b2KeyId(), value("b2-application-key", before.enabled().get("b2-application-key")))
        .getAccountAuthorization().getAccountId()).isNotBlank();
    assertThat(cloudflare.liveTokens()).as("the new token deleted, the old kept").isEqualTo(before.tokens());
    assertThat(verifyToken(before.token())).isEqualTo(200);
    assertThat(value("database-user", enabled("database-user"))).isEqualTo(before.liveUser());
  }

  private static final List<String> SECRETS = List.of("database-user", "database-password", "jwt-secret",
      "b2-application-key-id", "b2-application-key", "cloudflare-api-token");

  /** What a test changes, read before it. */
  private record Snapshot(Map<String, Long> newest, Map<String, Long> enabled, String liveUser, Map<String, Integer> passwordChanges,
      String b2KeyId, Set<String> b2Keys, int b2Creates, String token, Map<String, String> tokens,
      Map<String, String> workerSecret, Map<String, String> restartedAt, List<TrafficTarget> traffic) {
  }

  private Snapshot snapshot() {
    Map<String, Long> newest = new LinkedHashMap<>();
    Map<String, Long> enabled = new LinkedHashMap<>();
    SECRETS.forEach(name -> {
      newest.put(name, (long) secretManager.states(secret(name)).size());
      enabled.put(name, enabled(name));
    });
    Map<String, String> restarted = new HashMap<>();
    WORKERS.forEach(worker -> restarted.put(worker, restartedAt(worker)));
    return new Snapshot(newest, enabled, value("database-user", enabled.get("database-user")),
        sqlAdmin.instance("photobomb-db").orElseThrow().passwordChanges(),
        value("b2-application-key-id", enabled.get("b2-application-key-id")), Set.copyOf(b2.createdKeyIds()),
        calls("b2_create_key"), value("cloudflare-api-token", enabled.get("cloudflare-api-token")),
        cloudflare.liveTokens(), workerSecret(), restarted, cloudRun.service(API).orElseThrow().getTrafficList());
  }

  private static SecretRotationRequested command(List<String> secrets, boolean dryRun, boolean confirm) {
    return new SecretRotationRequested(UUID.randomUUID(), secrets, dryRun, confirm, "quarterly rotation",
        "oncall-ops");
  }

  private static SecretRotationRequested command(UUID id, List<String> secrets) {
    return new SecretRotationRequested(id, secrets, false, true, "quarterly rotation", "oncall-ops");
  }

  private UUID send(SecretRotationRequested command) {
    events.send(MessageCatalog.SECRET_ROTATION_REQUESTED, command);
    return command.operationId();
  }

  private List<PlatformOperationProgressed> progress(UUID id) {
    return events.all(MessageCatalog.PLATFORM_OPERATION_PROGRESSED, id);
  }

  private int stepIndex(UUID id) {
    return jdbc.queryForList("SELECT step_index FROM platform_operations WHERE operation_id = ?", Integer.class, id)
        .stream().findFirst().orElse(-1);
  }

  private static int passwordChanges(String user) {
    return sqlAdmin.instance("photobomb-db").orElseThrow().passwordChanges().get(user);
  }

  private static int userUpdates() {
    return (int) sqlAdmin.calls().stream().filter(call -> call.method().equals("PUT")
        && call.path().contains("/users")).count();
  }

  private static int calls(String endpoint) {
    return b2.calls(endpoint);
  }

  private static String serving() {
    return cloudRun.service(API).orElseThrow().getTrafficStatusesList().stream()
        .filter(status -> status.getPercent() == 100).findFirst().orElseThrow().getRevision();
  }

  private static TrafficTarget allTo(String revision) {
    return TrafficTarget.newBuilder().setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION)
        .setRevision(revision).setPercent(100).build();
  }

  /** The deployment controller and kubelet of the mock: a restarted worker's pods are all updated and available. */
  private static void rollOutRestartedWorkers() {
    if (!controllerRollsOut.get() || client == null) {
      return;
    }
    try {
      for (String worker : WORKERS) {
        Deployment deployment = deployment(worker);
        if (deployment == null) {
          continue;
        }
        long generation = deployment.getMetadata().getGeneration() == null ? 1
            : deployment.getMetadata().getGeneration();
        var status = deployment.getStatus();
        if (status == null || status.getObservedGeneration() == null || status.getObservedGeneration() < generation) {
          int replicas = deployment.getSpec().getReplicas();
          client.apps().deployments().inNamespace(NAMESPACE).withName(worker).editStatus(current -> {
            current.setStatus(new DeploymentStatusBuilder().withObservedGeneration(generation).withReplicas(replicas)
                .withUpdatedReplicas(replicas).withAvailableReplicas(replicas).withReadyReplicas(replicas).build());
            return current;
          });
        }
      }
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(SecretRotationEndToEndTest.class).debug("mock controller: {}", e.toString());
    }
  }

  private static Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
  }

  private static String restartedAt(String worker) {
    Deployment deployment = deployment(worker);
    var annotations = deployment == null ? null : deployment.getSpec().getTemplate().getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get("kubectl.kubernetes.io/restartedAt");
  }

  private static Map<String, String> workerSecret() {
    var secret = client.secrets().inNamespace(NAMESPACE).withName(WORKER_SECRET).get();
    Map<String, String> decoded = new HashMap<>();
    if (secret != null) {
      secret.getData().forEach((key, value) -> decoded.put(key,
          new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
    }
    return decoded;
  }

  /** The newest enabled version: the one in use. */
  private static long enabled(String name) {
    return secretManager.states(secret(name)).entrySet().stream().filter(entry -> entry.getValue() == State.ENABLED)
        .mapToLong(Map.Entry::getKey).max().orElseThrow();
  }

  private static String value(String name, long version) {
    return secretManager.value(secret(name), Long.toString(version)).orElseThrow();
  }

  private static String secret(String name) {
    return "projects/" + PROJECT + "/secrets/" + name;
  }

  private static void seedSecret(String name, String value) {
    secretManager.seed(secret(name), value);
  }

  private static EnvVar secretEnv(String name, String secret) {
    return EnvVar.newBuilder().setName(name).setValueSource(EnvVarSource.newBuilder().setSecretKeyRef(
        SecretKeySelector.newBuilder().setSecret(secret).setVersion("latest"))).build();
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private static FakeB2Server startB2() {
    try {
      return new FakeB2Server(Files.createTempDirectory("rotation-b2")).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static B2StorageClient b2Client(String keyId, String key) {
    B2ClientConfig config = B2ClientConfig.builder(keyId, key, "rotation-test").setMasterUrl(b2.baseUrl()).build();
    return B2StorageHttpClientBuilder.builder(config).setHttpClientFactory(HttpClientFactoryImpl.builder()
        .setSupportInsecureHttp(true).build()).build();
  }

  private static B2CreatedApplicationKey createB2Key(String name) {
    try {
      return b2Client(b2.applicationKeyId(), b2.applicationKey()).createKey(B2CreateKeyRequest
          .builder(Set.of("listBuckets", "readFiles", "writeFiles"), name).build());
    } catch (B2Exception e) {
      throw new IllegalStateException("the B2 fake did not create a key", e);
    }
  }

  private static String createCloudflareToken(String name) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(cloudflare.apiUrl() + "/user/tokens")).header("Authorization", "Bearer " + ADMIN_TOKEN)
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"policies\":[{\"effect\":\"allow\"}]}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(response.body()).path("result").path("value").asString();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("the Cloudflare stand-in did not create a token", e);
    }
  }

  private static int verifyToken(String token) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(cloudflare.apiUrl()
        + "/user/tokens/verify")).header("Authorization", "Bearer " + token).GET().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
