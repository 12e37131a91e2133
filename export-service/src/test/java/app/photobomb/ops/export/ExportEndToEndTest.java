package app.photobomb.ops.export;

import static app.photobomb.ops.testsupport.KafkaTestClient.header;
import static app.photobomb.ops.testsupport.KafkaTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.UserExportCompleted;
import app.photobomb.ops.common.events.UserExportFailed;
import app.photobomb.ops.common.events.UserExportProgressed;
import app.photobomb.ops.common.events.UserExportRequested;
import app.photobomb.ops.common.events.UserHardDeleted;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.TestCommands;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.export.jobs.ExportRetention;
import app.photobomb.ops.storage.b2.FakeB2Server;
import app.photobomb.ops.storage.config.ObjectStorageAutoConfiguration;
import app.photobomb.ops.storage.local.LocalFileObjectStore;
import app.photobomb.ops.storage.local.LocalLinkSigner;
import app.photobomb.ops.storage.local.LocalObjectServer;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Exports over the real path: UserExportRequested into Kafka, rows in PostgreSQL, originals read through the B2
 * adapter from the fake B2 server, the archive written through the local store and downloaded over its signed
 * link, events read back from Kafka. The archives are unzipped and checked byte for byte.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(properties = {"spring.config.name=" + ExportServiceApplication.CONFIG_NAME,
    "photobomb.export.poll-interval=200ms", "photobomb.export.lease=10s", "photobomb.export.progress-interval=1s",
    "photobomb.export.retention-interval=1h", "photobomb.export.operators=support-admin",
    // small, so that the archives' per-file records go through their temporary file
    "photobomb.export.records-in-memory=16KB",
    // an outage is waited out for 2 minutes here (20 by default), tried again after 1 s, 1 s, 2 s, ...
    "photobomb.export.storage-patience=2m", "photobomb.export.storage-retry-backoff=1s"})
@Import(ExportsStoreHooks.class)
class ExportEndToEndTest {

  private static final String DATABASE = "exports";

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String EXPORTS = "photobomb-exports";
  private static final String SECRET = "export-test-link-secret-0123456789";

  @TempDir
  static Path objects;
  private static KafkaTestClient kafka;
  private static FakeB2Server b2;
  private static LocalObjectServer linkServer;
  private static LocalObjectServer linkServerSevenDaysLater;
  private static final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();

  /** The test's own connection, as the photobomb API or an operator: the service's role may not seed or peek. */
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
    linkServer = linkServer(exportsRoot, Clock.systemUTC());
    linkServerSevenDaysLater = linkServer(exportsRoot,
        Clock.offset(Clock.systemUTC(), Duration.ofDays(7).plusMinutes(1)));
    b2.originalsStoreSettings(2).forEach((key, value) -> registry.add(key, () -> value));
    registry.add("photobomb.storage.exports", () -> "local");
    registry.add("photobomb.storage.local.root", exportsRoot::toString);
    registry.add("photobomb.storage.local.link-secret", () -> SECRET);
    registry.add("photobomb.storage.local.link-base-url", linkServer::baseUrl);
  }

  private static LocalObjectServer linkServer(Path root, Clock clock) {
    LocalLinkSigner signer = new LocalLinkSigner(SECRET.getBytes(StandardCharsets.UTF_8), clock);
    return LocalObjectServer.start(0, new LocalFileObjectStore(root, signer, "http://127.0.0.1", clock), signer);
  }

  @BeforeAll
  static void connect() {
    kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers());
  }

  @AfterAll
  static void disconnect() {
    kafka.close();
    b2.close();
    linkServer.close();
    linkServerSevenDaysLater.close();
  }

  @AfterEach
  void clearHooks() {
    hooks.clear();
  }

  private ExportTestData data() {
    return new ExportTestData(jdbc, b2);
  }

  @Test
  void archiveHoldsEveryOriginalAndTheMetadataOfTheUserAndNothingOfAnyoneElse() throws Exception {
    UUID userId = data().user("ann@example.com");
    Map<UUID, byte[]> photos = data().photos(userId, List.of("IMG_0001.jpg", "IMG_0002.jpg", "beach.jpg"), 40_000);
    List<UUID> photoIds = new ArrayList<>(photos.keySet());
    UUID album = data().albumAndFaces(userId, photoIds.subList(0, 2));
    UUID bystander = data().user("bob@example.com");
    Map<UUID, byte[]> bystanderPhotos = data().photos(bystander, List.of("IMG_0001.jpg"), 40_000);
    data().albumAndFaces(bystander, new ArrayList<>(bystanderPhotos.keySet()));
    UUID exportId = UUID.randomUUID();

    String requestId = request(exportId, userId, userId.toString());
    UserExportCompleted done = completed(exportId);
    Path archive = download(done.url());

    assertThat(header(awaitCompletedRecord(exportId), CloudEventHeaders.CORRELATION_ID)).isEqualTo("corr-" + requestId);
    assertThat(done.photoCount()).isEqualTo(3);
    assertThat(done.bytes()).isEqualTo(Files.size(archive));
    assertThat(done.sha256()).isEqualTo(ExportTestData.sha256(Files.readAllBytes(archive)));
    assertThat(done.expiresAt()).isBetween(Instant.now().plus(Duration.ofDays(7)).minusSeconds(120),
        Instant.now().plus(Duration.ofDays(7)));
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      JsonNode metadata = json.readTree(zip.getInputStream(zip.getEntry("metadata.json")));
      assertThat(metadata.path("format").asString()).isEqualTo("photobomb-export");
      assertThat(metadata.path("formatVersion").asInt()).isEqualTo(1);
      assertThat(metadata.path("user").path("email").asString()).isEqualTo("ann@example.com");
      assertThat(metadata.path("photos")).hasSize(3);
      for (JsonNode photo : metadata.path("photos")) {
        UUID photoId = UUID.fromString(photo.path("photoId").asString());
        ZipEntry entry = zip.getEntry(photo.path("file").path("path").asString());
        assertThat(entry.getMethod()).as("photos are stored, not deflated").isEqualTo(ZipEntry.STORED);
        assertThat(zip.getInputStream(entry).readAllBytes()).as("original of " + photoId)
            .isEqualTo(photos.get(photoId));
        assertThat(photo.path("metadata").path("camera").asString()).isEqualTo("Pixel 8");
      }
      JsonNode first = photoById(metadata, photoIds.get(0));
      assertThat(first.path("faces")).hasSize(1);
      assertThat(first.path("albumIds").get(0).asString()).isEqualTo(album.toString());
      assertThat(metadata.path("albums")).hasSize(1);
      assertThat(metadata.path("albums").get(0).path("photoIds")).extracting(JsonNode::asString)
          .containsExactly(photoIds.get(0).toString(), photoIds.get(1).toString());
      assertThat(metadata.path("faceClusters").get(0).path("detections").asInt()).isEqualTo(2);
      assertManifestMatches(zip);
    }
    byte[] everything = Files.readAllBytes(archive);
    assertThat(indexOf(everything, "bob@example.com".getBytes(StandardCharsets.UTF_8))).isNegative();
    for (Map.Entry<UUID, byte[]> other : bystanderPhotos.entrySet()) {
      assertThat(indexOf(everything, other.getKey().toString().getBytes(StandardCharsets.US_ASCII)))
          .as("no byte naming another user's photo").isNegative();
    }
    UserExportProgressed progress = codec.decode(MessageCatalog.USER_EXPORT_PROGRESSED,
        kafka.await(MessageCatalog.USER_EXPORT_PROGRESSED.topic(), r -> text(r).contains(exportId.toString())
            && codec.decode(MessageCatalog.USER_EXPORT_PROGRESSED, r.value()).photosDone() == 3, WAIT).value());
    assertThat(progress.photosTotal()).isEqualTo(3);
    assertThat(progress.bytesWritten()).isEqualTo(3 * 40_000);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE user_id = ? AND action = 'data_exported'",
        Integer.class, userId)).isOne();
  }

  @Test
  void hostilePhotoNamesBecomeSafeUniqueNamesInsidePhotos() throws Exception {
    UUID userId = data().user("hostile@example.com");
    List<String> names = List.of("../../etc/passwd", "/etc/shadow.jpg", "IMG.jpg", "IMG.jpg", "img.JPG",
        "Ünïcødé 照片 🎉.jpg", "x".repeat(400) + ".jpeg", "C:\\Users\\eve\\evil.png", "new\nline\u0007\r.jpg", "..",
        "..jpg", " .hidden.heic", "CON.jpg", "nul.tar.gz", "\u3164.jpg", "ภาพถ่าย.jpg", "σ.jpg", "ς.jpg");
    Map<UUID, byte[]> photos = data().photos(userId, names, 1_000);
    UUID exportId = UUID.randomUUID();

    request(exportId, userId, "support-admin");
    Path archive = download(completed(exportId).url());

    try (ZipFile zip = new ZipFile(archive.toFile())) {
      Set<String> seen = new HashSet<>();
      List<String> photoNames = new ArrayList<>();
      for (ZipEntry entry : Collections.list(zip.entries())) {
        String name = entry.getName();
        assertThat(seen.add(name.toLowerCase(Locale.ROOT))).as("unique ignoring case: " + name).isTrue();
        assertThat(name).doesNotStartWith("/").doesNotContain("\\").doesNotContain("\u0000").doesNotContain("\n");
        assertThat(name.split("/")).doesNotContain("..", ".");
        assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        if (name.startsWith("photos/")) {
          photoNames.add(name.substring("photos/".length()));
          assertThat(name.substring("photos/".length())).doesNotContain("/").doesNotStartWith(".");
        }
      }
      assertThat(photoNames).hasSize(names.size())
          .contains("passwd.jpg", "shadow.jpg", "IMG.jpg", "IMG (2).jpg", "img (3).JPG", "Ünïcødé 照片 _.jpg",
              "evil.png", "hidden.heic", "_CON.jpg", "_nul.tar.gz", "_.jpg", "ภาพถ่าย.jpg", "σ.jpg", "ς (2).jpg");
      assertThat(photoNames).anyMatch(n -> n.startsWith("xxxxxxxx") && n.endsWith(".jpeg"));
      JsonNode metadata = json.readTree(zip.getInputStream(zip.getEntry("metadata.json")));
      for (JsonNode photo : metadata.path("photos")) {
        UUID photoId = UUID.fromString(photo.path("photoId").asString());
        assertThat(zip.getInputStream(zip.getEntry(photo.path("file").path("path").asString())).readAllBytes())
            .isEqualTo(photos.get(photoId));
        assertThat(names).contains(photo.path("originalFilename").asString());
      }
      assertManifestMatches(zip);
    }
  }

  @Test
  void userWithFiveThousandPhotosExports() throws Exception {
    UUID userId = data().user("many@example.com");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      names.add("IMG_" + (i % 2_500) + ".jpg");
    }
    Map<UUID, byte[]> photos = data().photos(userId, names, 300);
    UUID exportId = UUID.randomUUID();

    request(exportId, userId, userId.toString());
    Path archive = download(completed(exportId).url());

    try (ZipFile zip = new ZipFile(archive.toFile())) {
      assertThat(zip.size()).isEqualTo(5_000 + 3);
      JsonNode metadata = json.readTree(zip.getInputStream(zip.getEntry("metadata.json")));
      assertThat(metadata.path("photos")).hasSize(5_000);
      for (JsonNode photo : metadata.path("photos")) {
        assertThat(zip.getInputStream(zip.getEntry(photo.path("file").path("path").asString())).readAllBytes())
            .isEqualTo(photos.get(UUID.fromString(photo.path("photoId").asString())));
      }
      assertManifestMatches(zip);
    }
  }

  @Test
  void onlyTheUserOrAnOperatorMayExportAndOnlyAnExistingAccount() {
    UUID userId = data().user("private@example.com");
    UUID forbidden = UUID.randomUUID();
    UUID unknown = UUID.randomUUID();
    UUID softDeleted = UUID.randomUUID();
    UUID leaving = data().user("leaving@example.com");
    data().photos(leaving, List.of("last.jpg"), 500);
    jdbc.update("UPDATE users SET deleted_at = now() - interval '3 days' WHERE user_id = ?", leaving);

    request(forbidden, userId, "someone-else");
    request(unknown, UUID.randomUUID(), "support-admin");
    request(softDeleted, leaving, leaving.toString());

    assertThat(failed(forbidden).reason()).isEqualTo("forbidden");
    assertThat(failed(unknown).reason()).isEqualTo("unknown_user");
    assertThat(completed(softDeleted).photoCount()).as("an account in its grace period can still export")
        .isEqualTo(1);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE action = 'data_export_refused' "
        + "AND user_id = ?", Integer.class, userId)).isOne();
  }

  @Test
  void redeliveredRequestOfAFinishedExportMakesNoNewArchive() throws Exception {
    UUID userId = data().user("again@example.com");
    data().photos(userId, List.of("a.jpg"), 500);
    UUID exportId = UUID.randomUUID();
    request(exportId, userId, userId.toString());
    UserExportCompleted first = completed(exportId);
    String key = objectKey(exportId);
    String version = exports.stat(EXPORTS, key).orElseThrow().versionId();

    request(exportId, userId, userId.toString());
    UUID later = UUID.randomUUID();
    request(later, userId, userId.toString());
    completed(later);

    assertThat(kafka.readAll(MessageCatalog.USER_EXPORT_COMPLETED.topic()).stream()
        .filter(r -> text(r).contains(exportId.toString()))).as("one completion").hasSize(1);
    assertThat(exports.stat(EXPORTS, key).orElseThrow().versionId()).isEqualTo(version);
    assertThat(jdbc.queryForObject("SELECT attempts FROM exports WHERE export_id = ?", Integer.class, exportId))
        .isOne();
    assertThat(download(first.url())).isNotEmptyFile();
  }

  @Test
  void exportOfACrashedWorkerIsTakenOverAndRebuiltWithoutItsLeftovers() throws Exception {
    UUID userId = data().user("crash@example.com");
    Map<UUID, byte[]> photos = data().photos(userId, List.of("a.jpg", "b.jpg"), 5_000);
    UUID exportId = UUID.randomUUID();
    String firstAttempt = "exports/" + userId + "/" + exportId + "-1.zip";
    // A worker claimed it, stored a broken archive and died before recording it: its lease ran out.
    exports.put(EXPORTS, firstAttempt, new ByteArrayInputStream(new byte[] {'P', 'K', 0, 0}), 4, "application/zip");
    jdbc.update("""
        INSERT INTO exports (export_id, user_id, requested_by, status, attempts, lease_owner, lease_until,
            correlation_id, causation_id, started_at)
        VALUES (?, ?, ?, 'running', 1, 'dead-worker', now() - interval '1 second', 'corr-crash', 'crash', now())""",
        exportId, userId, userId.toString());

    UserExportCompleted done = completed(exportId);

    try (ZipFile zip = new ZipFile(download(done.url()).toFile())) {
      assertThat(zip.size()).isEqualTo(2 + 3);
      assertManifestMatches(zip);
    }
    assertThat(objectKey(exportId)).endsWith(exportId + "-2.zip");
    assertThat(exports.listVersions(EXPORTS, "exports/" + userId + "/", null, 10).versions())
        .as("only the rebuilt archive").extracting(v -> v.key()).containsExactly(objectKey(exportId));
    assertThat(jdbc.queryForObject("SELECT attempts FROM exports WHERE export_id = ?", Integer.class, exportId))
        .isEqualTo(2);
    assertThat(photos).hasSize(2);
  }

  @Test
  void exportOutOfAttemptsFailsAndRemovesWhatEveryAttemptStored() {
    UUID userId = data().user("tired@example.com");
    data().photos(userId, List.of("a.jpg"), 500);
    UUID exportId = UUID.randomUUID();
    for (int attempt : new int[] {1, 3}) {
      exports.put(EXPORTS, "exports/" + userId + "/" + exportId + "-" + attempt + ".zip",
          new ByteArrayInputStream(new byte[100]), 100, "application/zip");
    }
    // Three workers claimed it in turn and died, each after storing (or not) an archive.
    jdbc.update("""
        INSERT INTO exports (export_id, user_id, requested_by, status, attempts, lease_owner, lease_until,
            correlation_id, causation_id, started_at)
        VALUES (?, ?, ?, 'running', 3, 'dead-worker', now() - interval '1 second', 'corr-tired', 'tired', now())""",
        exportId, userId, userId.toString());

    assertThat(failed(exportId).reason()).startsWith("gave_up: 3 attempts");

    assertThat(exports.listVersions(EXPORTS, "exports/" + userId + "/", null, 10).versions()).isEmpty();
    assertThat(jdbc.queryForObject("SELECT count(*) FROM export_purges WHERE prefix = ?", Integer.class,
        "exports/" + userId + "/" + exportId + "-")).as("kept for the sweep, should a delete have failed").isOne();
  }

  @Test
  void storageOutageShorterThanThePatienceIsWaitedOutAndTheExportCompletes() throws Exception {
    UUID userId = data().user("brief-outage@example.com");
    data().photos(userId, List.of("a.jpg", "b.jpg"), 500);
    UUID exportId = UUID.randomUUID();
    b2.unavailable(true);
    try {
      int before = b2.totalCalls();
      request(exportId, userId, userId.toString());
      // the fault suite's B2 outage round found exports failing within seconds of an outage (three quick attempts):
      // B2 stays down for several tries
      Awaitility.await().atMost(WAIT).until(() -> b2.totalCalls() >= before + 8);
      assertThat(jdbc.queryForObject("SELECT status FROM exports WHERE export_id = ?", String.class, exportId))
          .isIn("queued", "running");
    } finally {
      b2.unavailable(false);
    }

    UserExportCompleted done = completed(exportId);

    assertThat(done.photoCount()).isEqualTo(2);
    assertThat(jdbc.queryForObject("SELECT attempts FROM exports WHERE export_id = ?", Integer.class, exportId))
        .as("the outage's tries are not counted as attempts").isOne();
  }

  @Test
  void storageThatStaysDownPastThePatienceEndsInAFailureSayingSoAndLeavesNoArchive() {
    UUID userId = data().user("outage@example.com");
    data().photos(userId, List.of("a.jpg"), 500);
    UUID exportId = UUID.randomUUID();
    b2.unavailable(true);
    try {
      request(exportId, userId, userId.toString());
      // the outage has lasted past the patience: the export was asked for long ago, and its next try is due now
      Awaitility.await().atMost(WAIT).until(() -> jdbc.update("""
          UPDATE exports SET requested_at = now() - interval '1 hour', lease_until = now()
          WHERE export_id = ? AND status = 'queued' AND failure_reason IS NOT NULL""", exportId) == 1);
      UserExportFailed failure = failed(exportId);
      assertThat(failure.reason()).startsWith("storage_unavailable:").contains("ask again when storage is healthy");
    } finally {
      b2.unavailable(false);
    }
    assertThat(exports.listVersions(EXPORTS, "exports/" + userId + "/", null, 10).versions()).isEmpty();
  }

  @Test
  void twoRequestsForOneUserAreBuiltOneAfterTheOther() {
    UUID userId = data().user("twice@example.com");
    data().photos(userId, List.of("a.jpg", "b.jpg", "c.jpg"), 20_000);
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();

    request(first, userId, userId.toString());
    request(second, userId, "support-admin");
    completed(first);
    completed(second);

    Instant firstDone = jdbc.queryForObject("SELECT completed_at FROM exports WHERE export_id = ?",
        java.sql.Timestamp.class, first).toInstant();
    Instant secondStarted = jdbc.queryForObject("SELECT started_at FROM exports WHERE export_id = ?",
        java.sql.Timestamp.class, second).toInstant();
    assertThat(secondStarted).isAfterOrEqualTo(firstDone);
  }

  @Test
  void linkExpiresAfterSevenDaysAndTheArchiveIsThenDeleted() throws Exception {
    UUID userId = data().user("expiry@example.com");
    data().photos(userId, List.of("a.jpg"), 500);
    UUID exportId = UUID.randomUUID();
    request(exportId, userId, userId.toString());
    UserExportCompleted done = completed(exportId);
    URI link = URI.create(done.url());

    assertThat(get(link).statusCode()).isEqualTo(200);
    URI sevenDaysLater = URI.create(linkServerSevenDaysLater.baseUrl() + link.getRawPath() + "?" + link.getRawQuery());
    assertThat(get(sevenDaysLater).statusCode()).as("the same link seven days later").isEqualTo(403);

    jdbc.update("UPDATE exports SET expires_at = now() - interval '1 second' WHERE export_id = ?", exportId);
    String key = objectKey(exportId);
    assertThat(retention.sweep()).isOne();
    assertThat(exports.stat(EXPORTS, key)).isEmpty();
    assertThat(jdbc.queryForObject("SELECT status FROM exports WHERE export_id = ?", String.class, exportId))
        .isEqualTo("removed");
  }

  @Test
  void hardDeletedUserLosesTheArchivesAtOnce() {
    UUID userId = data().user("gone@example.com");
    data().photos(userId, List.of("a.jpg"), 500);
    UUID exportId = UUID.randomUUID();
    request(exportId, userId, userId.toString());
    completed(exportId);
    String key = objectKey(exportId);
    assertThat(exports.stat(EXPORTS, key)).isPresent();
    String stray = "exports/" + userId + "/" + UUID.randomUUID() + "-1.zip";
    exports.put(EXPORTS, stray, new ByteArrayInputStream(new byte[10]), 10, "application/zip");

    UserHardDeleted deleted = new UserHardDeleted(userId, Map.of("users", 1L), 4, 2_000);
    kafka.send(MessageCatalog.USER_HARD_DELETED.topic(), userId.toString(),
        TestCommands.headers(MessageCatalog.USER_HARD_DELETED, UUID.randomUUID().toString(), userId.toString(), null),
        codec.encode(deleted).getBytes(StandardCharsets.UTF_8));

    Awaitility.await().atMost(WAIT).until(() -> exports.stat(EXPORTS, key).isEmpty());
    Awaitility.await("anything else under the user's prefix").atMost(WAIT)
        .until(() -> exports.stat(EXPORTS, stray).isEmpty());
    Awaitility.await().atMost(WAIT).until(() -> "removed".equals(
        jdbc.queryForObject("SELECT status FROM exports WHERE export_id = ?", String.class, exportId)));
  }

  @Test
  void archiveFinishedAfterTheUsersHardDeleteIsDeletedAndTheExportFailsUnknownUser() {
    UUID userId = data().user("racing@example.com");
    data().photos(userId, List.of("a.jpg", "b.jpg"), 5_000);
    UUID exportId = UUID.randomUUID();
    // The snapshot was read and the archive stored; the hard delete commits before the export is recorded, and
    // its user-hard-deleted has not reached this service yet.
    hooks.beforeLink(key -> {
      if (key.contains(exportId.toString())) {
        data().hardDelete(userId);
      }
    });

    request(exportId, userId, userId.toString());

    Awaitility.await().atMost(WAIT).until(() -> List.of("completed", "failed").contains(status(exportId)));
    assertThat(status(exportId)).isEqualTo("failed");
    assertThat(failed(exportId).reason()).isEqualTo("unknown_user");
    assertThat(kafka.readAll(MessageCatalog.USER_EXPORT_COMPLETED.topic()).stream()
        .filter(r -> text(r).contains(exportId.toString()))).as("no link for a deleted account").isEmpty();
    Awaitility.await("the archive removed").atMost(WAIT)
        .until(() -> exports.listVersions(EXPORTS, "exports/" + userId + "/", null, 10).versions().isEmpty());
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE user_id = ? AND action = 'data_exported'",
        Integer.class, userId)).isZero();

    // The hard delete's event arrives later and finds the export ended already: no second answer.
    kafka.send(MessageCatalog.USER_HARD_DELETED.topic(), userId.toString(),
        TestCommands.headers(MessageCatalog.USER_HARD_DELETED, UUID.randomUUID().toString(), userId.toString(), null),
        codec.encode(new UserHardDeleted(userId, Map.of("users", 1L), 2, 10_000)).getBytes(StandardCharsets.UTF_8));
    Awaitility.await().atMost(WAIT).until(() -> jdbc.queryForObject(
        "SELECT count(*) FROM export_purges WHERE prefix = ?", Integer.class, "exports/" + userId + "/") == 1);
    assertThat(kafka.readAll(MessageCatalog.USER_EXPORT_FAILED.topic()).stream()
        .filter(r -> text(r).contains(exportId.toString()))).as("one failure").hasSize(1);
  }

  @Test
  void workerThatStalledPastItsLeaseNeitherFinishesTheExportNorDeletesTheArchiveOfTheWorkerThatTookOver()
      throws Exception {
    UUID userId = data().user("stalled@example.com");
    data().photos(userId, List.of("a.jpg"), 5_000);
    UUID exportId = UUID.randomUUID();
    String stalled = "exports/" + userId + "/" + exportId + "-1.zip";
    String takenOver = "exports/" + userId + "/" + exportId + "-2.zip";
    hooks.beforeLink(key -> {
      if (key.equals(stalled)) {
        // This worker stalls past its lease: the other worker of this instance takes over and clears attempt 1.
        jdbc.update("UPDATE exports SET lease_until = now() - interval '1 second' WHERE export_id = ?", exportId);
        Awaitility.await().atMost(WAIT).until(() -> exports.stat(EXPORTS, stalled).isEmpty());
      } else if (key.equals(takenOver)) {
        // The worker that took over records its archive only once the stalled one has woken up and given up.
        Awaitility.await().atMost(WAIT).until(() -> meters.get("photobomb.export.running").gauge().value() == 1);
      }
    });

    request(exportId, userId, userId.toString());
    UserExportCompleted done = completed(exportId);

    assertThat(objectKey(exportId)).isEqualTo(takenOver);
    assertThat(download(done.url())).isNotEmptyFile();
    assertThat(exports.listVersions(EXPORTS, "exports/" + userId + "/", null, 10).versions())
        .extracting(v -> v.key()).containsExactly(takenOver);
    assertThat(kafka.readAll(MessageCatalog.USER_EXPORT_COMPLETED.topic()).stream()
        .filter(r -> text(r).contains(exportId.toString()))).as("one completion").hasSize(1);
    assertThat(jdbc.queryForObject("SELECT attempts FROM exports WHERE export_id = ?", Integer.class, exportId))
        .isEqualTo(2);
  }

  private String status(UUID exportId) {
    return jdbc.queryForObject("SELECT status FROM exports WHERE export_id = ?", String.class, exportId);
  }

  private String objectKey(UUID exportId) {
    return jdbc.queryForObject("SELECT object_key FROM exports WHERE export_id = ?", String.class, exportId);
  }

  private String request(UUID exportId, UUID userId, String requestedBy) {
    String requestId = UUID.randomUUID().toString();
    kafka.send(MessageCatalog.USER_EXPORT_REQUESTED.topic(), userId.toString(),
        TestCommands.headers(MessageCatalog.USER_EXPORT_REQUESTED, requestId, userId.toString(), "corr-" + requestId),
        codec.encode(new UserExportRequested(exportId, userId, requestedBy)).getBytes(StandardCharsets.UTF_8));
    return requestId;
  }

  private ConsumerRecord<String, byte[]> awaitCompletedRecord(UUID exportId) {
    return kafka.await(MessageCatalog.USER_EXPORT_COMPLETED.topic(), r -> text(r).contains(exportId.toString()), WAIT);
  }

  private UserExportCompleted completed(UUID exportId) {
    return codec.decode(MessageCatalog.USER_EXPORT_COMPLETED, awaitCompletedRecord(exportId).value());
  }

  private UserExportFailed failed(UUID exportId) {
    return codec.decode(MessageCatalog.USER_EXPORT_FAILED,
        kafka.await(MessageCatalog.USER_EXPORT_FAILED.topic(), r -> text(r).contains(exportId.toString()), WAIT)
            .value());
  }

  private static HttpResponse<InputStream> get(URI link) throws IOException, InterruptedException {
    HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(link).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    response.body().close();
    return response;
  }

  /** Downloads through the link, as the user would. */
  private Path download(String url) throws IOException, InterruptedException {
    Path file = Files.createTempFile(objects, "download-", ".zip");
    HttpResponse<Path> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofFile(file));
    assertThat(response.statusCode()).isEqualTo(200);
    return file;
  }

  /** Every line of manifest.sha256 names an entry whose SHA-256 it gives, and every other entry is listed. */
  private static void assertManifestMatches(ZipFile zip) throws IOException {
    String manifest = new String(zip.getInputStream(zip.getEntry("manifest.sha256")).readAllBytes(),
        StandardCharsets.UTF_8);
    Map<String, String> listed = new HashMap<>();
    for (String line : manifest.split("\n")) {
      listed.put(line.substring(66), line.substring(0, 64));
      assertThat(line.substring(64, 66)).isEqualTo("  ");
    }
    for (ZipEntry entry : Collections.list(zip.entries())) {
      if (!entry.getName().equals("manifest.sha256")) {
        assertThat(listed.get(entry.getName())).as(entry.getName())
            .isEqualTo(ExportTestData.sha256(zip.getInputStream(entry).readAllBytes()));
      }
    }
    assertThat(listed).hasSize(zip.size() - 1);
  }

  private static JsonNode photoById(JsonNode metadata, UUID photoId) {
    for (JsonNode photo : metadata.path("photos")) {
      if (photo.path("photoId").asString().equals(photoId.toString())) {
        return photo;
      }
    }
    throw new AssertionError("no photo " + photoId + " in metadata.json");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
