package app.photobomb.ops.export;

import static app.photobomb.ops.testsupport.KafkaTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.UserExportCompleted;
import app.photobomb.ops.common.events.UserExportRequested;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.TestCommands;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.ObjectVersion;
import app.photobomb.ops.export.jobs.ExportRetention;
import app.photobomb.ops.storage.b2.FakeB2Server;
import app.photobomb.ops.storage.config.ObjectStorageAutoConfiguration;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.testsupport.ServiceReplica;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.ConfigurableEnvironment;
import app.photobomb.ops.testsupport.DatabaseRole;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Two instances of the export-service on one database, one consumer group and one Kafka, as two replicas in
 * production: the test context (with the database's one outbox relay) and a second instance started beside it.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(properties = {"spring.config.name=" + ExportServiceApplication.CONFIG_NAME,
    "photobomb.export.poll-interval=100ms", "photobomb.export.lease=10s", "photobomb.export.progress-interval=1s",
    "photobomb.export.retention-interval=1h"})
@Import(ExportsStoreHooks.class)
class ExportReplicasTest {

  private static final String DATABASE = "export_replicas";

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String EXPORTS = "photobomb-exports";

  @TempDir
  static Path objects;
  private static KafkaTestClient kafka;
  private static FakeB2Server b2;
  private static ServiceReplica second;

  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  PayloadCodec codec;
  @Autowired
  @Qualifier(ObjectStorageAutoConfiguration.EXPORTS)
  ObjectStore exports;
  @Autowired
  ExportRetention retention;
  @Autowired
  ExportsStoreHooks hooks;
  @Autowired
  MeterRegistry meters;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) throws IOException {
    RealServers.register(registry, DATABASE, DatabaseRole.EXPORT);
    b2 = new FakeB2Server(Files.createDirectories(objects.resolve("b2"))).start();
    b2.createBucket(ExportTestData.ORIGINALS);
    Path exportsRoot = Files.createDirectories(objects.resolve("exports"));
    b2.originalsStoreSettings(2).forEach((key, value) -> registry.add(key, () -> value));
    registry.add("photobomb.storage.exports", () -> "local");
    registry.add("photobomb.storage.local.root", exportsRoot::toString);
    registry.add("photobomb.storage.local.link-secret", () -> "export-replicas-link-secret-0123456789");
  }

  @BeforeAll
  static void startSecondInstance(@Autowired ConfigurableEnvironment environment) {
    kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers());
    second = ServiceReplica.start(ExportServiceApplication.application(), environment);
  }

  @AfterAll
  static void stop() {
    second.close();
    kafka.close();
    b2.close();
  }

  @AfterEach
  void clearHooks() {
    hooks.clear();
    b2.latency(Duration.ZERO);
  }

  @Test
  void twoInstancesBuildEachExportOnceAndNeitherTouchesTheOthersArchives() throws IOException {
    ExportTestData data = new ExportTestData(jdbc, b2);
    List<UUID> users = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      UUID userId = data.user("replica-" + i + "@example.com");
      data.photos(userId, List.of("a.jpg", "b.jpg", "c.jpg"), 20_000);
      users.add(userId);
    }
    // each build takes a moment, so that the workers of both instances are busy at once
    b2.latency(Duration.ofMillis(30));
    Map<UUID, UUID> userOfExport = new HashMap<>();
    for (int round = 0; round < 4; round++) {
      for (UUID userId : users) {
        UUID exportId = UUID.randomUUID();
        userOfExport.put(exportId, userId);
        request(exportId, userId);
      }
    }

    Awaitility.await().atMost(WAIT).until(() -> completedEvents(userOfExport.keySet()).size() == userOfExport.size());

    Map<UUID, List<UserExportCompleted>> completions = completedEvents(userOfExport.keySet());
    assertThat(completions.values()).as("one user-export-completed per export").allMatch(list -> list.size() == 1);
    assertThat(kafka.readAll(MessageCatalog.USER_EXPORT_FAILED.topic()).stream()
        .filter(r -> userOfExport.keySet().stream().anyMatch(id -> text(r).contains(id.toString())))).isEmpty();
    for (Map.Entry<UUID, UUID> export : userOfExport.entrySet()) {
      Map<String, Object> row = jdbc.queryForMap(
          "SELECT status, attempts, object_key, sha256 FROM exports WHERE export_id = ?", export.getKey());
      assertThat(row.get("status")).isEqualTo("completed");
      assertThat(row.get("attempts")).as("built once").isEqualTo(1);
      String key = (String) row.get("object_key");
      assertThat(key).isEqualTo("exports/" + export.getValue() + "/" + export.getKey() + "-1.zip");
      try (InputStream archive = exports.get(EXPORTS, key)) {
        assertThat(ExportTestData.sha256(archive.readAllBytes())).as("the archive its completion announced")
            .isEqualTo(row.get("sha256")).isEqualTo(completions.get(export.getKey()).get(0).sha256());
      }
    }
    List<ObjectVersion> stored = new ArrayList<>();
    for (UUID userId : users) {
      stored.addAll(exports.listVersions(EXPORTS, "exports/" + userId + "/", null, 100).versions());
    }
    assertThat(stored).as("one archive per export, one version each").hasSize(userOfExport.size())
        .extracting(ObjectVersion::key).doesNotHaveDuplicates();
    double here = completedBy(meters);
    double there = completedBy(second.bean(MeterRegistry.class));
    assertThat(here).as("exports built by the test context").isPositive();
    assertThat(there).as("exports built by the second instance").isPositive();
    assertThat(here + there).isEqualTo(userOfExport.size());
    for (UUID userId : users) {
      List<Map<String, Object>> inOrder = jdbc.queryForList(
          "SELECT started_at, completed_at FROM exports WHERE user_id = ? ORDER BY seq", userId);
      for (int i = 1; i < inOrder.size(); i++) {
        assertThat((Timestamp) inOrder.get(i).get("started_at")).as("one user's exports one after the other")
            .isAfterOrEqualTo((Timestamp) inOrder.get(i - 1).get("completed_at"));
      }
    }
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE action = 'data_exported' "
        + "AND details->>'export_id' = ANY (?)", Integer.class,
        (Object) userOfExport.keySet().stream().map(UUID::toString).toArray(String[]::new)))
        .isEqualTo(userOfExport.size());
  }

  @Test
  void sweepsOfBothInstancesRemoveAnExpiredArchiveOnceAndAuditItOnce() {
    UUID userId = new ExportTestData(jdbc, b2).user("expiring@example.com");
    new ExportTestData(jdbc, b2).photos(userId, List.of("a.jpg"), 500);
    UUID exportId = UUID.randomUUID();
    request(exportId, userId);
    Awaitility.await().atMost(WAIT).until(() -> !completedEvents(Set.of(exportId)).isEmpty());
    String key = jdbc.queryForObject("SELECT object_key FROM exports WHERE export_id = ?", String.class, exportId);
    jdbc.update("UPDATE exports SET expires_at = now() - interval '1 second' WHERE export_id = ?", exportId);
    // Both instances found the archive expired; the second instance's sweep ends while this one's deletes it.
    hooks.beforeDelete(deleted -> {
      if (deleted.equals(key)) {
        hooks.clear();
        assertThat(second.bean(ExportRetention.class).sweep()).isOne();
      }
    });

    assertThat(retention.sweep()).as("removed by the other instance already").isZero();

    assertThat(exports.stat(EXPORTS, key)).isEmpty();
    assertThat(jdbc.queryForObject("SELECT status FROM exports WHERE export_id = ?", String.class, exportId))
        .isEqualTo("removed");
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE action = 'data_export_removed' "
        + "AND details->>'export_id' = ?", Integer.class, exportId.toString())).isOne();
  }

  private void request(UUID exportId, UUID userId) {
    kafka.send(MessageCatalog.USER_EXPORT_REQUESTED.topic(), userId.toString(),
        TestCommands.headers(MessageCatalog.USER_EXPORT_REQUESTED, UUID.randomUUID().toString(), userId.toString(),
            null),
        codec.encode(new UserExportRequested(exportId, userId, userId.toString())).getBytes(StandardCharsets.UTF_8));
  }

  /** The user-export-completed events of these exports so far, by export. */
  private Map<UUID, List<UserExportCompleted>> completedEvents(Set<UUID> exportIds) {
    return kafka.readAll(MessageCatalog.USER_EXPORT_COMPLETED.topic()).stream()
        .map(r -> codec.decode(MessageCatalog.USER_EXPORT_COMPLETED, r.value()))
        .filter(event -> exportIds.contains(event.exportId()))
        .collect(Collectors.groupingBy(UserExportCompleted::exportId));
  }

  private static double completedBy(MeterRegistry registry) {
    return registry.get("photobomb.export.exports").tag("outcome", "completed").counter().count();
  }
}
