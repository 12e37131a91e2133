package app.photobomb.ops.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.photobomb.ops.testsupport.ServiceProbe;
import java.io.IOException;
import java.io.Reader;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.nio.charset.StandardCharsets;
import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.testsupport.KafkaTestClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.io.TempDir;

/** The README's run command, minus the waiting: the whole system comes up with demo data and stops cleanly. */
class LocalStackTest {

  private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

  @TempDir
  Path directory;

  @Test
  void comesUpWithDemoDataWithinSixtySecondsAndStopsCleanly() throws Exception {
    long started = System.nanoTime();
    Map<LocalService, Integer> ports;
    int postgresPort;
    LocalStackSettings settings = LocalStackSettings.anyFreePorts(directory).withServiceProperties(Map.of(
        "photobomb.deletion.grace", "0s", "photobomb.deletion.scheduler-interval", "1s",
        // the local window (20 s, steps every 5 s) shortened further, to keep the scale-down's wait short
        "photobomb.scaling.stabilization-window", "3s", "photobomb.scaling.scale-down-period", "1s",
        "photobomb.scaling.repeat-interval", "1s",
        // the sagas' steps and the rotation's polls every 200 ms (locally 1 s), to keep the platform demos short
        "photobomb.platform.runner-interval", "200ms", "photobomb.platform.rotation.poll-interval", "200ms"));
    try (LocalStack stack = LocalStack.start(settings, logDirectory -> {
      LocalConsole.install(logDirectory, false);
      terminal.start();
      ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).addAppender(terminal);
    })) {
      Duration startup = Duration.ofNanos(System.nanoTime() - started);
      assertThat(startup).as("start-up time on this machine").isLessThan(Duration.ofSeconds(60));

      ports = stack.servicePorts();
      assertThat(ports).containsOnlyKeys(LocalService.values());
      ports.forEach((service, port) -> assertThat(ServiceProbe.get(port, "/healthz").body())
          .as(service.serviceName()).contains("\"status\":\"UP\""));

      assertThat(stack.demo().users()).hasSize(3).allMatch(user -> user.photoCount() > 0);
      assertDemoRowsAndFiles(stack);

      Properties endpoints = new Properties();
      try (Reader reader = Files.newBufferedReader(stack.endpointsFile())) {
        endpoints.load(reader);
      }
      assertThat(endpoints.getProperty("kafka.bootstrap.servers")).isEqualTo(stack.endpoints().kafkaBootstrapServers());
      assertThat(endpoints.getProperty("jdbc.url")).isEqualTo(stack.jdbcUrl());
      assertThat(endpoints.getProperty("redis.url")).startsWith("redis://");
      assertThat(endpoints.getProperty("deletion-service.url")).endsWith(":" + ports.get(LocalService.DELETION));
      assertThat(endpoints.getProperty("kubernetes.url")).isEqualTo(stack.kubernetesUrl());
      assertThat(endpoints.getProperty("cloudflare.url")).isEqualTo(stack.cloudflare().baseUrl());
      postgresPort = stack.endpoints().postgresPort();
      exportingADemoUserFromOnePublishedEventGivesADownloadableArchive(stack);
      platformSagasAnswerWithTheirPlanAndRunAgainstTheLocalStandIns(stack);
      secretRotationRunsInFullAgainstTheLocalStandInsWithNoSecretOnTheTerminal(stack);
      try (KubernetesClient kubernetes = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
          .withMasterUrl(endpoints.getProperty("kubernetes.url")).build()).build()) {
        assertThat(LocalKubernetes.DEPLOYMENTS).allSatisfy(name -> assertThat(replicas(kubernetes, name))
            .as(name).isEqualTo(3));
        List<Integer> replicas = new CopyOnWriteArrayList<>();
        try (SharedIndexInformer<Deployment> watch = kubernetes.apps().deployments().inNamespace("photobomb")
            .withName("thumbnail-worker").inform(new ReplicasRecorder(replicas))) {
          reprocessingADemoUsersThumbnailsFromOnePublishedBatchRegeneratesEachOnce(stack);
          reprocessBatchScaledTheThumbnailWorkerUpAndTheWindowAfterItBackToThree(kubernetes, replicas);
        }
      }
      commandLineTasksFollowTheServicesToTheirTerminalEventsWithTheirExitCodes(stack);
      deletingADemoUserWithZeroGraceWorksFromOnePublishedEvent(stack);
      operatorCliShowsStatusListsDeadLettersAndReplaysEachOnce(stack, endpoints);
      terminalTellsWhatEachServiceDidAndTheServersLogToFiles(stack);
      dashboardAndAlertRulesReadOnlyMetricsTheServicesExpose(ports);
    }

    assertThat(listening(postgresPort)).as("PostgreSQL stopped").isFalse();
    ports.forEach((service, port) -> assertThat(listening(port)).as(service + " stopped").isFalse());
  }

  /**
   * The README's platform demos: a resize's dry run answers with its plan alone; the confirmed resize, a restore into
   * a new instance and a rollback of the API and the thumbnail-worker complete against the local Google and
   * Kubernetes stand-ins.
   */
  private static void platformSagasAnswerWithTheirPlanAndRunAgainstTheLocalStandIns(LocalStack stack) {
    String resize = "{\"operationId\":\"%s\",\"instance\":\"photobomb-prod-db\",\"tier\":\"db-custom-8-32768\","
        + "\"now\":true,\"dryRun\":%s,\"confirm\":%s,\"reason\":\"pool exhaustion\",\"requestedBy\":\"oncall\"}";
    List<CommandAnswers.Answer> dryRun = sendAndAwait(stack, MessageCatalog.DATABASE_RESIZE_REQUESTED,
        resize.formatted(UUID.randomUUID(), true, false));
    assertThat(dryRun).extracting(CommandAnswers.Answer::name)
        .containsExactly("PlatformOperationPlanned", "PlatformOperationCompleted");
    assertThat(dryRun.get(0).json()).contains("patch-instance", "$250/mo", "$500/mo");
    assertThat(new tools.jackson.databind.json.JsonMapper().readTree(dryRun.get(1).json()).path("dryRun").asBoolean())
        .isTrue();

    List<CommandAnswers.Answer> resized = sendAndAwait(stack, MessageCatalog.DATABASE_RESIZE_REQUESTED,
        resize.formatted(UUID.randomUUID(), false, true));
    assertThat(resized).last().satisfies(answer -> {
      assertThat(answer.name()).isEqualTo("PlatformOperationCompleted");
      assertThat(answer.json()).contains("db-custom-8-32768");
    });

    List<CommandAnswers.Answer> restored = sendAndAwait(stack, MessageCatalog.BACKUP_RESTORE_REQUESTED,
        "{\"operationId\":\"" + UUID.randomUUID() + "\",\"instance\":\"photobomb-prod-db\",\"confirm\":true,"
            + "\"reason\":\"accidental deletion\",\"requestedBy\":\"oncall\"}");
    assertThat(restored).last().satisfies(answer -> {
      assertThat(answer.name()).isEqualTo("PlatformOperationCompleted");
      assertThat(answer.json()).contains("photobomb-prod-db-restore-", "rollbackInstance");
    });

    List<CommandAnswers.Answer> rolledBack = sendAndAwait(stack, MessageCatalog.DEPLOYMENT_ROLLBACK_REQUESTED,
        "{\"operationId\":\"" + UUID.randomUUID() + "\",\"workers\":[\"thumbnail-worker\"],\"verifyMinutes\":0,"
            + "\"confirm\":true,\"reason\":\"error rate spike\",\"requestedBy\":\"oncall\"}");
    assertThat(rolledBack).last().satisfies(answer -> {
      assertThat(answer.name()).isEqualTo("PlatformOperationCompleted");
      // back from the restore's revision to the release before it
      assertThat(answer.json()).contains("photobomb-api-00003-ccc", "photobomb-api-restore-", "thumbnail-worker@1");
    });
  }

  /**
   * The README's rotation: its dry run answers with the plan alone; the confirmed one switches to the idle database
   * user, moves the API to a revision pinned to the new versions, restarts both workers with the new credentials in
   * their Secret and revokes the old B2 key and Cloudflare token last; no secret value is in an answer or on the
   * terminal.
   */
  private void secretRotationRunsInFullAgainstTheLocalStandInsWithNoSecretOnTheTerminal(LocalStack stack) {
    String rotation = "{\"operationId\":\"%s\",\"dryRun\":%s,\"confirm\":%s,\"reason\":\"quarterly rotation\","
        + "\"requestedBy\":\"oncall\"}";
    List<CommandAnswers.Answer> dryRun = sendAndAwait(stack, MessageCatalog.SECRET_ROTATION_REQUESTED,
        rotation.formatted(UUID.randomUUID(), true, false));
    assertThat(dryRun).extracting(CommandAnswers.Answer::name)
        .containsExactly("PlatformOperationPlanned", "PlatformOperationCompleted");
    assertThat(dryRun.get(0).json()).contains("photobomb_app_a is live", "revoke-cloudflare-token");

    List<CommandAnswers.Answer> rotated = sendAndAwait(stack, MessageCatalog.SECRET_ROTATION_REQUESTED,
        rotation.formatted(UUID.randomUUID(), false, true));
    tools.jackson.databind.json.JsonMapper json = new tools.jackson.databind.json.JsonMapper();
    assertThat(rotated).last().extracting(CommandAnswers.Answer::name).isEqualTo("PlatformOperationCompleted");
    tools.jackson.databind.JsonNode completed = json.readTree(rotated.get(rotated.size() - 1).json());
    assertThat(completed.path("summary").asString()).endsWith("12 steps done");
    // the last progress may come after the completion (another topic): those that came say done
    assertThat(rotated).filteredOn(answer -> answer.name().equals("PlatformOperationProgressed"))
        .extracting(answer -> json.readTree(answer.json()).path("status").asString())
        .hasSizeGreaterThanOrEqualTo(10).containsOnly("done");
    tools.jackson.databind.JsonNode results = completed.path("results");
    assertThat(results.path("databaseUser").asString()).isEqualTo("photobomb_app_b");

    LocalGoogle google = stack.google();
    String service = "projects/" + LocalGoogle.PROJECT + "/locations/" + LocalGoogle.REGION + "/services/"
        + LocalGoogle.API_SERVICE;
    String revision = results.path("apiRevision").asString();
    assertThat(google.cloudRun().service(service).orElseThrow().getTrafficStatusesList())
        .anySatisfy(status -> {
          assertThat(status.getRevision()).isEqualTo(revision);
          assertThat(status.getPercent()).isEqualTo(100);
        });
    assertThat(google.cloudRun().revisions(service)).filteredOn(r -> r.getName().endsWith("/revisions/" + revision))
        .singleElement().satisfies(r -> assertThat(r.getContainers(0).getEnvList())
            .filteredOn(com.google.cloud.run.v2.EnvVar::hasValueSource)
            .extracting(env -> env.getValueSource().getSecretKeyRef().getSecret() + "@"
                + env.getValueSource().getSecretKeyRef().getVersion())
            .containsExactlyInAnyOrder("database-user@2", "database-password@2", "jwt-secret@2",
                "b2-application-key-id@2", "b2-application-key@2"));

    try (KubernetesClient kubernetes = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
        .withMasterUrl(stack.kubernetesUrl()).build()).build()) {
      assertThat(LocalKubernetes.DEPLOYMENTS).allSatisfy(name -> {
        Deployment deployment = kubernetes.apps().deployments().inNamespace("photobomb").withName(name).get();
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).as(name)
            .containsKey("kubectl.kubernetes.io/restartedAt");
        assertThat(deployment.getStatus().getObservedGeneration()).as(name)
            .isEqualTo(deployment.getMetadata().getGeneration());
      });
      String user = kubernetes.secrets().inNamespace("photobomb").withName(LocalRotation.WORKER_SECRET).get()
          .getData().get("DATABASE_USER");
      assertThat(new String(java.util.Base64.getDecoder().decode(user), StandardCharsets.UTF_8))
          .isEqualTo("photobomb_app_b");
    }

    List<String> values = new java.util.ArrayList<>();
    for (String secret : List.of(LocalRotation.DATABASE_PASSWORD, LocalRotation.JWT_SECRET, LocalRotation.B2_KEY,
        LocalRotation.CLOUDFLARE_TOKEN)) {
      google.secretManager().states(LocalGoogle.secretName(secret)).keySet().forEach(version -> google
          .secretManager().value(LocalGoogle.secretName(secret), Long.toString(version)).ifPresent(values::add));
    }
    assertThat(values).hasSize(8);
    List<String> shown = new java.util.ArrayList<>(terminal.lines());
    rotated.forEach(answer -> shown.add(answer.json()));
    assertThat(shown).anyMatch(line -> line.contains("step 12/12 disable-old-versions done"));
    assertThat(shown).allSatisfy(line -> assertThat(values).noneMatch(line::contains));
  }

  private static List<CommandAnswers.Answer> sendAndAwait(LocalStack stack,
      app.photobomb.ops.common.events.MessageType<?> type, String json) {
    String commandId = UUID.randomUUID().toString();
    String key = new tools.jackson.databind.json.JsonMapper().readTree(json).path("operationId").asString();
    CommandSender.send(stack.endpoints().kafkaBootstrapServers(), type, key, commandId,
        json.getBytes(StandardCharsets.UTF_8));
    return CommandAnswers.await(stack.endpoints().kafkaBootstrapServers(), commandId, Duration.ofSeconds(60),
        answer -> { });
  }

  /**
   * The photobomb-ops command line in-process against this stack, as the README runs it: an export (by the
   * export-service's operator, admin) prints its link, a reprocess batch, a scale and a purge complete (exit 0), a
   * resize's dry run prints the plan and its confirmed run completes, and a cancel of a deletion nobody asked for ends
   * on the service's failure (exit 1, its reason).
   * Users 1 and 2 and face-worker only: user 0 is deleted next, and user 2's first photo is its cache check.
   */
  private static void commandLineTasksFollowTheServicesToTheirTerminalEventsWithTheirExitCodes(LocalStack stack)
      throws SQLException {
    DemoSummary.DemoUser exported = stack.demo().users().get(1);
    UUID untouchedUser = stack.demo().users().get(2).userId();
    UUID reprocessed;
    try (Connection connection = DriverManager.getConnection(stack.jdbcUrl(), LocalStack.APP_USER,
        LocalStack.APP_PASSWORD); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT photo_id FROM photos WHERE user_id = '" + untouchedUser
            + "' AND photo_id <> '" + stack.firstPhotoOf(untouchedUser).orElseThrow() + "' LIMIT 1")) {
      assertThat(rows.next()).isTrue();
      reprocessed = rows.getObject(1, UUID.class);
    }

    CliRun export = CliRun.of(stack, "export", exported.userId().toString(), "--requested-by", "admin",
        "--wait", "60s");
    assertThat(export.exit()).as(export.toString()).isEqualTo(0);
    assertThat(export.out()).contains("ready: " + exported.photoCount() + " photos", "download (until ",
        stack.linkBaseUrl());

    CliRun batch = CliRun.of(stack, "reprocess", "--type", "reprocess_thumbnails", "--photo", reprocessed.toString(),
        "--wait", "60s");
    assertThat(batch.exit()).as(batch.toString()).isEqualTo(0);
    assertThat(batch.out()).contains("accepted: 1 jobs queued", "completed: 1 done, 0 failed");

    CliRun scale = CliRun.of(stack, "scale", "face-worker", "4", "--hold", "0s", "--reason", "cli test", "--wait",
        "60s");
    assertThat(scale.exit()).as(scale.toString()).isEqualTo(0);
    assertThat(scale.out()).contains("photobomb/face-worker scaled from 3 to 4 replicas");

    CliRun purge = CliRun.of(stack, "purge", "--photo", reprocessed.toString(), "--wait", "60s");
    assertThat(purge.exit()).as(purge.toString()).isEqualTo(0);
    assertThat(purge.out()).contains("purged 3 URLs");

    CliRun plan = CliRun.of(stack, "resize-db", "--tier", "db-custom-4-16384", "--now", "--wait", "60s");
    assertThat(plan.exit()).as(plan.toString()).isEqualTo(0);
    assertThat(plan.out()).contains("plan of database-resize", "patch-instance", "[destructive]",
        "dry run of database-resize done, nothing changed; run it with --confirm");
    CliRun resized = CliRun.of(stack, "resize-db", "--tier", "db-custom-4-16384", "--now", "--confirm", "--reason",
        "cli test", "--wait", "60s");
    assertThat(resized.exit()).as(resized.toString()).isEqualTo(0);
    assertThat(resized.out()).contains("step 1/", "completed");

    CliRun cancel = CliRun.of(stack, "delete-user", untouchedUser.toString(), "--cancel", "--wait", "60s");
    assertThat(cancel.exit()).as(cancel.toString()).isEqualTo(1);
    assertThat(cancel.out()).contains("deletion of " + untouchedUser + ": not_scheduled");
  }

  /** One in-process run of the command line against the stack's Kafka: its exit code and what it printed. */
  private record CliRun(int exit, String out, String err) {

    static CliRun of(LocalStack stack, String... args) {
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      List<String> line = new java.util.ArrayList<>(List.of(args));
      line.addAll(List.of("--bootstrap-servers", stack.endpoints().kafkaBootstrapServers()));
      int exit = app.photobomb.ops.cli.PhotobombOps.run(new java.io.PrintWriter(out, true),
          new java.io.PrintWriter(err, true), line.toArray(String[]::new));
      return new CliRun(exit, out.toString(), err.toString());
    }
  }

  /** The README's export demo: one published UserExportRequested, then the link in the completion downloads it. */
  private static void exportingADemoUserFromOnePublishedEventGivesADownloadableArchive(LocalStack stack)
      throws Exception {
    DemoSummary.DemoUser user = stack.demo().users().get(0);
    UUID exportId = UUID.randomUUID();
    String commandId = UUID.randomUUID().toString();
    CommandSender.send(stack.endpoints().kafkaBootstrapServers(), MessageCatalog.USER_EXPORT_REQUESTED,
        user.userId().toString(), commandId,
        ("{\"exportId\":\"" + exportId + "\",\"userId\":\"" + user.userId() + "\",\"requestedBy\":\""
            + user.userId() + "\"}").getBytes(StandardCharsets.UTF_8));

    // What `send` prints: the answers carrying the command's correlation id, the last one final.
    List<CommandAnswers.Answer> answers = CommandAnswers.await(stack.endpoints().kafkaBootstrapServers(), commandId,
        Duration.ofSeconds(60), answer -> { });
    assertThat(answers).isNotEmpty().last().satisfies(answer -> {
      assertThat(answer.name()).isEqualTo("UserExportCompleted");
      assertThat(answer.isFinal()).isTrue();
    });
    String completed = answers.get(answers.size() - 1).json();
    String url = new tools.jackson.databind.json.JsonMapper().readTree(completed).path("url").asString();
    assertThat(url).startsWith(stack.linkBaseUrl());
    Path archive = Files.createTempFile("export-", ".zip");
    try {
      java.net.http.HttpResponse<Path> download = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofFile(archive));
      assertThat(download.statusCode()).isEqualTo(200);
      try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(archive.toFile())) {
        assertThat(zip.stream().filter(entry -> entry.getName().startsWith("photos/"))).hasSize(user.photoCount());
        assertThat(new tools.jackson.databind.json.JsonMapper().readTree(
            zip.getInputStream(zip.getEntry("metadata.json"))).path("user").path("email").asString())
            .isEqualTo(user.email());
      }
    } finally {
      Files.deleteIfExists(archive);
    }
  }

  /**
   * The banner's reprocess demo: one published ReprocessBatch queues a job per photo of the user, the local
   * thumbnail workers regenerate them, and the batch answers accepted, progress and completed.
   */
  private static void reprocessingADemoUsersThumbnailsFromOnePublishedBatchRegeneratesEachOnce(LocalStack stack)
      throws Exception {
    DemoSummary.DemoUser user = stack.demo().users().get(1);
    UUID batchId = UUID.randomUUID();
    String commandId = UUID.randomUUID().toString();
    Instant sent = Instant.now();
    CommandSender.send(stack.endpoints().kafkaBootstrapServers(), MessageCatalog.REPROCESS_BATCH,
        batchId.toString(), commandId,
        ("{\"batchId\":\"" + batchId + "\",\"jobType\":\"reprocess_thumbnails\",\"userIds\":[\"" + user.userId()
            + "\"],\"requestedBy\":\"operator\"}").getBytes(StandardCharsets.UTF_8));

    List<CommandAnswers.Answer> answers = CommandAnswers.await(stack.endpoints().kafkaBootstrapServers(), commandId,
        Duration.ofSeconds(60), answer -> { });
    assertThat(answers).extracting(CommandAnswers.Answer::name).startsWith("ReprocessBatchAccepted")
        .endsWith("ReprocessBatchCompleted");
    tools.jackson.databind.JsonNode completed = new tools.jackson.databind.json.JsonMapper()
        .readTree(answers.get(answers.size() - 1).json());
    assertThat(completed.path("done").asInt()).isEqualTo(user.photoCount());
    assertThat(completed.path("failed").asInt()).isZero();

    try (Connection connection = DriverManager.getConnection(stack.jdbcUrl(), LocalStack.APP_USER,
        LocalStack.APP_PASSWORD); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FILTER (WHERE processed_at >= '" + sent
            + "'), count(*) FROM photos WHERE user_id = '" + user.userId() + "'")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getLong(1)).as("every photo of the user processed again").isEqualTo(rows.getLong(2));
    }
    try (KafkaTestClient kafka = new KafkaTestClient(stack.endpoints().kafkaBootstrapServers())) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(kafka.readAll(MessageCatalog.THUMBNAILS_REGENERATED.topic())).as("one per photo")
              .hasSize(user.photoCount()));
    }
  }

  /**
   * The local scaling demo: the batch's queue depth made the scaling-service raise deployment thumbnail-worker's
   * replicas in the Kubernetes stand-in above 3, the local worker's slots followed, and once the queue drained and
   * the (shortened) window passed, both went back to 3; the terminal says who scaled what and why.
   */
  private void reprocessBatchScaledTheThumbnailWorkerUpAndTheWindowAfterItBackToThree(KubernetesClient kubernetes,
      List<Integer> replicas) {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(replicas(kubernetes, "thumbnail-worker")).isEqualTo(3);
      assertThat(replicas).as("replicas seen by a watch").hasSizeGreaterThan(1).last().isEqualTo(3);
      assertThat(terminal.lines()).anyMatch(line -> line.matches(
          "thumbnail-worker \\| \\d+ -> 3 slots \\(follows deployment photobomb/thumbnail-worker\\)"));
    });
    int peak = replicas.stream().mapToInt(Integer::intValue).max().orElse(0);
    assertThat(peak).as("the most replicas the stand-in held (seen by a watch: " + replicas + ")").isGreaterThan(3);
    assertThat(replicas).startsWith(3);
    assertThat(replicas(kubernetes, "face-worker")).as("no policy scales it").isEqualTo(3);
    assertThat(terminal.lines())
        .contains("thumbnail-worker | 3 -> " + peak + " slots (follows deployment photobomb/thumbnail-worker)")
        .anyMatch(line -> line.startsWith("scaling-service | photobomb/thumbnail-worker replicas 3 -> " + peak
            + ": backlog: queue-backlog-detected batch_processing_queue at depth "))
        .anyMatch(line -> line.startsWith("scaling-service | photobomb/thumbnail-worker replicas ")
            && line.contains(" -> 3: scale-down: "))
        .as("the monitor's repeated backlog events stay in the file").noneMatch(line -> line.matches(
            "scaling-service \\| (-> )?QueueBacklog(Detected|Cleared) \\S+( handled)?"));
  }

  private static int replicas(KubernetesClient kubernetes, String deployment) {
    return kubernetes.apps().deployments().inNamespace("photobomb").withName(deployment).get().getSpec()
        .getReplicas();
  }

  /** Records each replica count a deployment is seen with, in order, skipping repeats. */
  private record ReplicasRecorder(List<Integer> seen) implements ResourceEventHandler<Deployment> {

    @Override
    public void onAdd(Deployment deployment) {
      record(deployment);
    }

    @Override
    public void onUpdate(Deployment before, Deployment deployment) {
      record(deployment);
    }

    @Override
    public void onDelete(Deployment deployment, boolean finalStateUnknown) {
    }

    private void record(Deployment deployment) {
      Integer count = deployment.getSpec().getReplicas();
      if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(count)) {
        seen.add(count);
      }
    }
  }

  /**
   * The README's demo: one published UserDeletionRequested removes a demo user's rows and files, the export
   * archive made just before included, and ends in cache-purged with the request's correlation id: the Cloudflare
   * stand-in's edge then answers MISS for the user's thumbnails, and HIT still for another user's.
   */
  private static void deletingADemoUserWithZeroGraceWorksFromOnePublishedEvent(LocalStack stack) throws Exception {
    DemoSummary.DemoUser user = stack.demo().users().get(0);
    UUID userId = user.userId();
    Path archives = stack.objectStoreRoot().resolve("photobomb-exports").resolve("exports").resolve(userId.toString());
    assertThat(archives).as("the export made before").isNotEmptyDirectory();
    List<Path> files;
    try (Connection connection = DriverManager.getConnection(stack.jdbcUrl(), LocalStack.APP_USER,
        LocalStack.APP_PASSWORD); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT bucket, object_key FROM photo_files WHERE user_id = '" + userId + "'")) {
      files = new java.util.ArrayList<>();
      while (rows.next()) {
        files.add(stack.objectStoreRoot().resolve(rows.getString(1)).resolve(rows.getString(2)));
      }
    }
    assertThat(files).isNotEmpty().allMatch(Files::exists);
    String deleted = thumbnailUrl(stack, userId);
    String untouched = thumbnailUrl(stack, stack.demo().users().get(2).userId());
    assertThat(cacheStatus(deleted)).isEqualTo("200 MISS");
    assertThat(cacheStatus(deleted)).isEqualTo("200 HIT");
    assertThat(cacheStatus(untouched)).isEqualTo("200 MISS");

    String correlationId = UUID.randomUUID().toString();
    CommandSender.send(stack.endpoints().kafkaBootstrapServers(), MessageCatalog.USER_DELETION_REQUESTED,
        userId.toString(), correlationId,
        ("{\"userId\":\"" + userId + "\",\"requestedBy\":\"demo\",\"reason\":\"demo\"}")
            .getBytes(StandardCharsets.UTF_8));

    try (KafkaTestClient kafka = new KafkaTestClient(stack.endpoints().kafkaBootstrapServers())) {
      ConsumerRecord<String, byte[]> hardDeleted = kafka.await(MessageCatalog.USER_HARD_DELETED.topic(),
          r -> userId.toString().equals(r.key()), Duration.ofSeconds(60));
      assertThat(KafkaTestClient.header(hardDeleted, "ce_correlationid")).isEqualTo(correlationId);
      ConsumerRecord<String, byte[]> purged = kafka.await(MessageCatalog.CACHE_PURGED.topic(),
          r -> correlationId.equals(KafkaTestClient.header(r, "ce_correlationid")), Duration.ofSeconds(30));
      assertThat(new tools.jackson.databind.json.JsonMapper().readTree(purged.value()).path("urlCount").asInt())
          .as("the three thumbnail URLs of each of the user's photos").isEqualTo(3 * user.photoCount());
    }
    assertThat(files).noneMatch(Files::exists);
    assertThat(archives).as("export archives go with the account").satisfiesAnyOf(
        dir -> assertThat(dir).doesNotExist(), dir -> assertThat(dir).isEmptyDirectory());
    assertThat(cacheStatus(deleted)).as("purged, and gone from the store").isEqualTo("404 MISS");
    assertThat(cacheStatus(untouched)).as("no purge named it").isEqualTo("200 HIT");
    assertThat(stack.cloudflare().rateLimited()).as("429s from the stand-in").isZero();
  }

  /**
   * The README's {@code photobomb-ops status} and {@code dlq} against the running stack: a poison message sent to a
   * topic the export-service consumes is dead-lettered by the messaging core; status shows it, a consumer group
   * with lag, an export in progress and an unreachable service (exit 1, the rest still shown); dlq list shows the
   * dead letter, replay re-publishes it unchanged to its topic once, audited, and refuses a second replay.
   */
  private static void operatorCliShowsStatusListsDeadLettersAndReplaysEachOnce(LocalStack stack,
      Properties endpoints) throws Exception {
    long started = System.nanoTime();
    String kafka = stack.endpoints().kafkaBootstrapServers();
    String topic = MessageCatalog.USER_EXPORT_REQUESTED.topic();
    List<String> connection = List.of("--bootstrap-servers", kafka, "--jdbc-url", stack.jdbcUrl(), "--jdbc-user",
        LocalStack.APP_USER, "--jdbc-password", LocalStack.APP_PASSWORD);

    String poisonId = UUID.randomUUID().toString();
    String subject = UUID.randomUUID().toString();
    ConsumerRecord<String, byte[]> deadLetter;
    try (KafkaTestClient client = new KafkaTestClient(kafka)) {
      client.send(topic, subject, app.photobomb.ops.common.messaging.CloudEventHeaders.forCommand(
          MessageCatalog.USER_EXPORT_REQUESTED, poisonId, "urn:photobomb-ops:cli", subject, poisonId),
          "{\"exportId\": not json".getBytes(StandardCharsets.UTF_8));
      deadLetter = client.await(topic + ".dlq", r -> poisonId.equals(KafkaTestClient.header(r, "ce_id")),
          Duration.ofSeconds(30));
    }
    String lagging = "cli-status-lagging-" + UUID.randomUUID();
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        Map.of("bootstrap.servers", kafka))) {
      admin.alterConsumerGroupOffsets(lagging, Map.of(new org.apache.kafka.common.TopicPartition(topic, 0),
          new org.apache.kafka.clients.consumer.OffsetAndMetadata(0))).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    UUID exportId = UUID.randomUUID();
    try (Connection database = DriverManager.getConnection(stack.jdbcUrl(), LocalStack.APP_USER,
        LocalStack.APP_PASSWORD); Statement statement = database.createStatement()) {
      // another replica's claim, valid for an hour: no export-service takes it over during the test
      statement.execute("INSERT INTO exports (export_id, user_id, requested_by, status, lease_owner, lease_until, "
          + "requested_at, started_at) VALUES ('" + exportId + "', '" + UUID.randomUUID() + "', 'cli-test', "
          + "'running', 'another-replica', now() + interval '1 hour', now() - interval '5 minutes', now())");
    }
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    List<String> status = new java.util.ArrayList<>(List.of("status", "--redis-url",
        endpoints.getProperty("redis.url"), "--kubernetes-url", endpoints.getProperty("kubernetes.url")));
    status.addAll(connection);
    stack.servicePorts().forEach((service, port) -> status.addAll(List.of("--service-url",
        service.serviceName() + "=http://127.0.0.1:" + port)));

    Cli healthy = Cli.run(status);
    assertThat(healthy.exitCode()).as(healthy.out() + healthy.err()).isZero();
    assertThat(healthy.out()).contains("KIND", "NAME", "STATE", "DETAIL").endsWith("healthy\n")
        .contains("UP").doesNotContain("UNREACHABLE");

    List<String> withGhost = new java.util.ArrayList<>(status);
    withGhost.addAll(List.of("--service-url", "ghost-service=http://127.0.0.1:" + closedPort, "--json"));
    Cli unhealthy = Cli.run(withGhost);
    assertThat(unhealthy.exitCode()).as(unhealthy.err()).isEqualTo(1);
    tools.jackson.databind.JsonNode report = new tools.jackson.databind.json.JsonMapper().readTree(unhealthy.out());
    assertThat(report.path("healthy").asBoolean()).isFalse();
    Map<String, tools.jackson.databind.JsonNode> rows = new java.util.HashMap<>();
    report.path("rows").forEach(row -> rows.put(row.path("kind").asString() + " " + row.path("name").asString(),
        row));
    assertThat(rows.get("service ghost-service").path("state").asString()).isEqualTo("UNREACHABLE");
    assertThat(rows.get("service ghost-service").path("healthy").asBoolean()).isFalse();
    stack.servicePorts().keySet().forEach(service -> assertThat(rows.get("service " + service.serviceName())
        .path("state").asString()).as(service.serviceName()).isEqualTo("UP"));
    assertThat(rows.get("lag " + lagging).path("state").asLong()).as("committed at 0 on " + topic).isPositive();
    assertThat(rows.get("lag export-service")).as("the export-service's own group").isNotNull();
    assertThat(rows.get("dlq " + topic + ".dlq").path("state").asLong()).isPositive();
    assertThat(rows.get("export " + exportId).path("state").asString()).isEqualTo("running");
    assertThat(rows.get("export " + exportId).path("detail").asString()).startsWith("age 5m");
    assertThat(rows.get("queue batch_processing_queue").path("state").asString()).isEqualTo("0");
    assertThat(rows.get("replicas photobomb/thumbnail-worker").path("state").asString()).isEqualTo("3");
    assertThat(rows.values()).filteredOn(row -> row.path("kind").asString().equals("breaker"))
        .allSatisfy(row -> assertThat(row.path("state").asString()).isEqualTo("CLOSED"));

    List<String> list = new java.util.ArrayList<>(List.of("dlq", "list", topic, "--json"));
    list.addAll(connection);
    Cli listed = Cli.run(list);
    assertThat(listed.exitCode()).as(listed.err()).isZero();
    assertThat(listed.out().lines().map(line -> new tools.jackson.databind.json.JsonMapper().readTree(line))
        .filter(letter -> letter.path("ce_id").asString().equals(poisonId)).toList()).singleElement()
        .satisfies(letter -> {
          assertThat(letter.path("offset").asLong()).isEqualTo(deadLetter.offset());
          assertThat(letter.path("ce_type").asString()).isEqualTo(MessageCatalog.USER_EXPORT_REQUESTED.ceType());
          assertThat(letter.path("reason").asString()).isEqualTo("malformed_json");
          assertThat(letter.path("consumer").asString()).contains("export");
          assertThat(letter.path("time").asString()).isNotBlank();
        });

    List<String> replayAll = new java.util.ArrayList<>(List.of("dlq", "replay", topic));
    replayAll.addAll(connection);
    Cli unconfirmed = Cli.run(replayAll);
    assertThat(unconfirmed.exitCode()).isEqualTo(2);
    assertThat(unconfirmed.err()).contains("--confirm");

    List<String> replay = new java.util.ArrayList<>(List.of("dlq", "replay", topic, "--id", poisonId,
        "--operator", "oncall-test"));
    replay.addAll(connection);
    Cli replayed = Cli.run(replay);
    assertThat(replayed.exitCode()).as(replayed.err()).isZero();
    assertThat(replayed.out()).contains("replayed ce_id=" + poisonId, "1 replayed");
    long originalOffset = Long.parseLong(KafkaTestClient.header(deadLetter, "x-original-offset"));
    try (KafkaTestClient client = new KafkaTestClient(kafka)) {
      ConsumerRecord<String, byte[]> again = client.await(topic, r -> r.offset() > originalOffset
          && poisonId.equals(KafkaTestClient.header(r, "ce_id")), Duration.ofSeconds(30));
      assertThat(again.key()).isEqualTo(subject);
      assertThat(again.value()).isEqualTo(deadLetter.value());
      assertThat(KafkaTestClient.header(again, "ce_type")).isEqualTo(MessageCatalog.USER_EXPORT_REQUESTED.ceType());
      assertThat(KafkaTestClient.header(again, "ce_correlationid")).isEqualTo(poisonId);
      assertThat(again.headers()).noneMatch(header -> header.key().startsWith("x-dlq-"));
      // the export-service consumed it again: still malformed, so dead-lettered again under the same ce_id
      client.await(topic + ".dlq", r -> r.offset() > deadLetter.offset()
          && poisonId.equals(KafkaTestClient.header(r, "ce_id")), Duration.ofSeconds(30));
    }
    Cli refused = Cli.run(replay);
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).contains("already replayed: " + poisonId, "oncall-test");
    try (Connection database = DriverManager.getConnection(stack.jdbcUrl(), LocalStack.APP_USER,
        LocalStack.APP_PASSWORD); Statement statement = database.createStatement();
        ResultSet audit = statement.executeQuery("SELECT operator, dlq_topic, dlq_offset, original_topic, replayed_at "
            + "FROM dead_letter_replays WHERE ce_id = '" + poisonId + "'")) {
      assertThat(audit.next()).isTrue();
      assertThat(audit.getString(1)).isEqualTo("oncall-test");
      assertThat(audit.getString(2)).isEqualTo(topic + ".dlq");
      assertThat(audit.getLong(3)).isEqualTo(deadLetter.offset());
      assertThat(audit.getString(4)).isEqualTo(topic);
      assertThat(audit.getTimestamp(5)).isNotNull();
      assertThat(audit.next()).as("one replay only").isFalse();
    }
    LoggerFactory.getLogger(LocalStackTest.class).info("status and dlq checks took {} ms",
        Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  /** One run of the photobomb-ops CLI: its exit code and what it printed. */
  private record Cli(int exitCode, String out, String err) {

    static Cli run(List<String> args) {
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      int exitCode = app.photobomb.ops.cli.PhotobombOps.run(new java.io.PrintWriter(out, true),
          new java.io.PrintWriter(err, true), args.toArray(String[]::new));
      return new Cli(exitCode, out.toString(), err.toString());
    }
  }

  /** The 512 px thumbnail URL of the user's first photo, at the Cloudflare stand-in's edge. */
  private static String thumbnailUrl(LocalStack stack, UUID userId) {
    UUID photo = stack.firstPhotoOf(userId).orElseThrow();
    return stack.cloudflare().baseUrl() + "/thumb/" + photo + "/512.webp";
  }

  /** What the README's {@code curl -I} shows of a thumbnail: status and cf-cache-status. */
  private static String cacheStatus(String url) throws Exception {
    java.net.http.HttpResponse<Void> response = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
            .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.discarding());
    return response.statusCode() + " " + response.headers().firstValue("cf-cache-status").orElse("none");
  }

  /**
   * Every metric the Grafana dashboard and the alert rules read is one a service of the stack exposes on
   * /prometheus, scraped after the flows above (meters with tags made on a first event exist by then). Left out:
   * {@code up} (Prometheus makes it), and the object storage's breaker, writes and retry queue, which exist only
   * with a fallback store (none locally; StorageOutageTest scrapes them in an outage).
   */
  private static void dashboardAndAlertRulesReadOnlyMetricsTheServicesExpose(Map<LocalService, Integer> ports)
      throws IOException {
    long started = System.nanoTime();
    Set<String> exposed = new TreeSet<>();
    ports.forEach((service, port) -> ServiceProbe.get(port, "/prometheus").body().lines()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(line -> line.split("[{ ]", 2)[0]).forEach(exposed::add));
    Set<String> withFallbackStoreOnly = Set.of("resilience4j_circuitbreaker_state", "photobomb_storage_writes_total",
        "photobomb_storage_retry_queued");
    assertThat(exposed).as("the local stack has no fallback store").doesNotContainAnyElementsOf(withFallbackStoreOnly);
    Path root = Path.of("..");
    Map<String, List<String>> sources = Map.of(
        "deploy/grafana/photobomb-ops.json", PromQlMetricNames.dashboardExpressions(
            root.resolve("deploy/grafana/photobomb-ops.json")),
        "deploy/prometheus/alerts.yml", PromQlMetricNames.ruleExpressions(root.resolve("deploy/prometheus/alerts.yml")));
    sources.forEach((file, expressions) -> {
      Set<String> named = new TreeSet<>();
      expressions.forEach(expression -> named.addAll(PromQlMetricNames.in(expression)));
      assertThat(named).as(file + " names metrics").hasSizeGreaterThan(5);
      named.removeAll(withFallbackStoreOnly);
      named.remove("up");
      assertThat(exposed).as(file + ": metrics no service exposes").containsAll(named);
    });
    LoggerFactory.getLogger(LocalStackTest.class).info("dashboard and alert metrics checked against {} series names in {} ms",
        exposed.size(), Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  /** The console's lines as the terminal shows them: component, then message; what the terminal filters out is not here. */
  private final TerminalLines terminal = new TerminalLines();

  @AfterEach
  void restoreTestLogging() throws Exception {
    System.clearProperty("org.springframework.boot.logging.LoggingSystem");
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }

  private void terminalTellsWhatEachServiceDidAndTheServersLogToFiles(LocalStack stack) throws IOException {
    String user = stack.demo().users().get(0).userId().toString().substring(0, 8);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(terminal.lines())
        .anyMatch(line -> line.matches(
            "cloudflare \\| up in \\d+ ms: http://127\\.0\\.0\\.1:\\d+ \\(plan pro\\)"))
        .anyMatch(line -> line.startsWith("export-service | UserExportRequested ") && line.endsWith(" handled"))
        .anyMatch(line -> line.startsWith("export-service | -> UserExportCompleted "))
        .contains(
            "deletion-service | UserDeletionRequested " + user + "… handled -> UserDeletionScheduled " + user + "…",
            "deletion-service | -> UserHardDeleted " + user + "…")
        .anyMatch(line -> line.startsWith("deletion-service | user " + user) && line.contains("rows deleted")));
    assertThat(terminal.lines()).as("Kafka's and Spring's own INFO lines stay in the files")
        .noneMatch(line -> line.startsWith("kafka | [") || line.contains("Started application"));
    assertThat(stack.logDirectory().resolve("kafka.log")).isNotEmptyFile();
    assertThat(Files.readString(stack.logDirectory().resolve("deletion-service.log")))
        .contains("Started application");
  }

  /** Records each line that passes the terminal's filter, labelled as the terminal labels it. */
  private static final class TerminalLines extends AppenderBase<ILoggingEvent> {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final ConsoleFilter filter = new ConsoleFilter();

    List<String> lines() {
      return lines;
    }

    @Override
    protected void append(ILoggingEvent event) {
      if (filter.decide(event) != FilterReply.DENY) {
        lines.add(Components.of(event.getLoggerName()) + " | " + event.getFormattedMessage());
      }
    }
  }

  private static void assertDemoRowsAndFiles(LocalStack stack) throws SQLException, IOException {
    try (Connection connection = DriverManager.getConnection(stack.jdbcUrl(), LocalStack.APP_USER,
        LocalStack.APP_PASSWORD);
        Statement statement = connection.createStatement()) {
      assertThat(count(statement, "SELECT count(*) FROM users")).isEqualTo(3);
      assertThat(count(statement, "SELECT count(*) FROM albums")).isPositive();
      assertThat(count(statement, "SELECT count(*) FROM face_detections")).isPositive();
      assertThat(count(statement, "SELECT count(*) FROM photo_files WHERE kind <> 'original'"))
          .isEqualTo(3 * count(statement, "SELECT count(*) FROM photos"));
      try (ResultSet files = statement.executeQuery("SELECT bucket, object_key, kind, size_bytes FROM photo_files")) {
        while (files.next()) {
          Path file = stack.objectStoreRoot().resolve(files.getString(1)).resolve(files.getString(2));
          byte[] bytes = Files.readAllBytes(file);
          assertThat((long) bytes.length).isEqualTo(files.getLong(4));
          if (files.getString(3).equals("original")) {
            assertThat(Arrays.copyOf(bytes, 3)).isEqualTo(JPEG_MAGIC);
          } else {
            assertThat(new String(bytes, 0, 4, "US-ASCII") + new String(bytes, 8, 4, "US-ASCII"))
                .isEqualTo("RIFFWEBP");
          }
        }
      }
    }
  }

  private static int count(Statement statement, String sql) throws SQLException {
    try (ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
