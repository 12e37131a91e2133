package app.photobomb.ops.thumbnail;

import static app.photobomb.ops.thumbnail.WorkerFixtures.ORIGINALS;
import static app.photobomb.ops.thumbnail.WorkerFixtures.THUMBNAILS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.common.thumbnails.ThumbnailSpec;
import app.photobomb.ops.storage.b2.FakeB2Server;
import app.photobomb.ops.storage.config.ObjectStorageAutoConfiguration;
import app.photobomb.ops.storage.s3.S3ObjectStore;
import app.photobomb.ops.storage.s3.S3Properties;
import app.photobomb.ops.storage.s3.S3ProxyServer;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.unit.DataSize;

/** migrate_storage from B2 (the fake B2 server) to R2 (s3proxy on files, without versions, as R2). */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(properties = {"spring.config.name=" + ThumbnailWorkerApplication.CONFIG_NAME,
    "photobomb.worker.queues=migrate_high,migrate_batch"})
class MigrateStorageEndToEndTest {

  private static final String DATABASE = "thumbnail_migrate";
  private static final String BATCH = "migrate_batch";
  private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(60);

  @TempDir
  static Path objects;
  private static FakeB2Server b2;
  private static S3ProxyServer s3;
  private static S3ObjectStore r2;

  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  @Qualifier(ObjectStorageAutoConfiguration.ORIGINALS)
  ObjectStore store;
  @Autowired
  StringRedisTemplate redis;
  private WorkerFixtures fixtures;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) throws Exception {
    RealServers.register(registry, DATABASE, DatabaseRole.THUMBNAIL);
    b2 = new FakeB2Server(Files.createDirectories(objects.resolve("b2"))).start();
    b2.createBucket(ORIGINALS);
    b2.createBucket(THUMBNAILS);
    b2.originalsStoreSettings(2).forEach((key, value) -> registry.add(key, () -> value));
    s3 = S3ProxyServer.filesystem(Files.createDirectories(objects.resolve("r2")));
    s3.createBucket(ORIGINALS);
    s3.createBucket(THUMBNAILS);
    S3Properties properties = s3.properties(DataSize.ofMegabytes(64), DataSize.ofMegabytes(16));
    r2 = S3ObjectStore.create(properties);
    registry.add("photobomb.worker.migration-target", () -> "r2");
    registry.add("photobomb.storage.r2.endpoint", () -> properties.endpoint().toString());
    registry.add("photobomb.storage.r2.access-key-id", properties::accessKeyId);
    registry.add("photobomb.storage.r2.secret-access-key", properties::secretAccessKey);
  }

  @AfterAll
  static void stopStores() throws Exception {
    r2.close();
    s3.close();
    b2.close();
  }

  @BeforeEach
  void fixtures() {
    fixtures = new WorkerFixtures(jdbc, store);
  }

  @Test
  void photoMovesToR2WithItsRowsSwitchedAndEveryB2VersionGone() throws IOException {
    UUID userId = fixtures.user();
    byte[] original = WorkerFixtures.jpeg(11, 1600, 1200);
    UUID photoId = fixtures.photo(userId, original);
    String originalKey = "originals/" + userId + "/" + photoId + ".jpg";
    // an older version of one thumbnail, which the database does not know: the move deletes it too
    String thumbKey = ThumbnailSpec.key(photoId, 512);
    byte[] newer = "newer thumbnail".getBytes();
    StoredObject newest = store.put(THUMBNAILS, thumbKey, new ByteArrayInputStream(newer), newer.length, "image/webp");
    jdbc.update("UPDATE photo_files SET file_id = ?, size_bytes = ?, sha256 = ? WHERE photo_id = ? AND kind = ?",
        newest.versionId(), newest.size(), newest.sha256(), photoId, "thumb_512");

    long jobId = fixtures.job("migrate_storage", photoId, BATCH, 3);
    redis.opsForList().rightPush(BATCH, String.valueOf(jobId));

    await().atMost(WAIT).until(() -> fixtures.status(jobId).equals("done"));
    Map<String, Object> job = fixtures.jobRow(jobId);
    assertThat((String) job.get("result")).contains("\"moved\": 4", "\"target\": \"r2\"");
    List<Map<String, Object>> rows = jdbc.queryForList(
        "SELECT kind, provider, bucket, object_key, file_id, size_bytes, sha256 FROM photo_files WHERE photo_id = ?",
        photoId);
    assertThat(rows).hasSize(4).allSatisfy(row -> {
      String bucket = (String) row.get("bucket");
      String key = (String) row.get("object_key");
      assertThat(row.get("provider")).isEqualTo("r2");
      assertThat(r2.stat(bucket, key)).get().satisfies(held -> {
        assertThat(held.versionId()).isEqualTo(row.get("file_id"));
        assertThat(held.size()).isEqualTo(row.get("size_bytes"));
      });
      assertThat(store.listVersions(bucket, key, null, 10).versions()).as("B2 versions of " + key).isEmpty();
    });
    assertThat(read(r2, ORIGINALS, originalKey)).isEqualTo(original);
    assertThat(read(r2, THUMBNAILS, thumbKey)).isEqualTo(newer);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE user_id = ? AND action = 'storage_migrated'",
        Long.class, userId)).isEqualTo(1);
  }

  @Test
  void checksumMismatchFailsTheJobAndLeavesTheB2CopyInPlace() throws IOException {
    UUID userId = fixtures.user();
    byte[] original = WorkerFixtures.jpeg(12, 1600, 1200);
    UUID photoId = fixtures.photo(userId, original);
    String originalKey = "originals/" + userId + "/" + photoId + ".jpg";
    String recorded = "0".repeat(64);
    jdbc.update("UPDATE photo_files SET sha256 = ? WHERE photo_id = ? AND kind = 'original'", recorded, photoId);
    List<Map<String, Object>> before = jdbc.queryForList(
        "SELECT kind, provider, file_id FROM photo_files WHERE photo_id = ? ORDER BY kind", photoId);

    long jobId = fixtures.job("migrate_storage", photoId, BATCH, 1);
    redis.opsForList().rightPush(BATCH, String.valueOf(jobId));

    await().atMost(WAIT).until(() -> fixtures.status(jobId).equals("failed"));
    assertThat((String) fixtures.jobRow(jobId).get("last_error"))
        .startsWith("checksum_mismatch: " + ORIGINALS + "/" + originalKey).contains(recorded);
    assertThat(jdbc.queryForList("SELECT kind, provider, file_id FROM photo_files WHERE photo_id = ? ORDER BY kind",
        photoId)).isEqualTo(before);
    assertThat(read(store, ORIGINALS, originalKey)).isEqualTo(original);
    assertThat(r2.stat(ORIGINALS, originalKey)).as("the bad copy is removed from R2").isEmpty();
    for (int size : WorkerFixtures.SIZES) {
      assertThat(store.stat(THUMBNAILS, ThumbnailSpec.key(photoId, size))).isPresent();
    }
  }

  private static byte[] read(ObjectStore from, String bucket, String key) throws IOException {
    try (InputStream in = from.get(bucket, key)) {
      return in.readAllBytes();
    }
  }
}
