package app.photobomb.ops.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.photobomb.ops.common.storage.MeasuredInputStream;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.storage.GeneratedContent;
import app.photobomb.ops.storage.ObjectStoreContract;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The contract on the S3 adapter, through AWS SDK v2 to s3proxy's filesystem backend on loopback. That
 * backend keeps no versions, as R2 does not: version ids are ETags and listings fall back to ListObjectsV2.
 */
class S3ObjectStoreContractTest extends ObjectStoreContract {

  private static final String BUCKET = "photobomb-originals";

  @TempDir
  static Path root;
  private static S3ProxyServer server;
  private static S3Client client;
  private static S3ObjectStore store;

  @BeforeAll
  static void start() throws Exception {
    server = S3ProxyServer.filesystem(root);
    S3Properties properties = server.properties(DataSize.ofMegabytes(16), DataSize.ofMegabytes(5));
    client = S3Clients.client(properties);
    client.createBucket(request -> request.bucket(BUCKET));
    store = S3ObjectStore.create(properties);
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    client.close();
    server.close();
  }

  @Override
  protected ObjectStore store() {
    return store;
  }

  @Override
  protected String bucket() {
    return BUCKET;
  }

  @Test
  void anObjectAboveTheThresholdGoesUpInPartsAndReadsBackIdentical() throws IOException {
    long size = 40_000_000;
    String key = uniqueKey("export.zip");
    MeasuredInputStream source = new MeasuredInputStream(new GeneratedContent(size, 7));

    StoredObject stored = store.put(BUCKET, key, source, size, "application/zip");

    assertThat(stored.sha256()).isEqualTo(source.sha256Hex());
    // A multipart ETag ends in the part count: 40 MB in 5 MiB parts is 8.
    assertThat(stored.versionId()).startsWith(S3ObjectStore.ETAG_VERSION).endsWith("-8");
    assertThat(store.stat(BUCKET, key)).hasValueSatisfying(version -> {
      assertThat(version.size()).isEqualTo(size);
      assertThat(version.versionId()).isEqualTo(stored.versionId());
    });
    assertThat(client.headObject(request -> request.bucket(BUCKET).key(key)).metadata())
        .containsEntry(S3ObjectStore.SHA256_METADATA, stored.sha256());
    MeasuredInputStream readBack;
    try (InputStream in = store.get(BUCKET, key)) {
      readBack = new MeasuredInputStream(in);
      readBack.transferTo(OutputStream.nullOutputStream());
    }
    assertThat(readBack.count()).isEqualTo(size);
    assertThat(readBack.sha256Hex()).isEqualTo(stored.sha256());
  }

  @Test
  void theSha256IsStoredAsUserMetadataWithTheContentType() {
    String key = uniqueKey("photo.jpg");
    byte[] bytes = randomBytes(2000);

    StoredObject stored = store.put(BUCKET, key, new ByteArrayInputStream(bytes), bytes.length, "image/jpeg");

    var head = client.headObject(request -> request.bucket(BUCKET).key(key));
    assertThat(head.metadata()).containsEntry(S3ObjectStore.SHA256_METADATA, sha256(bytes));
    assertThat(head.contentType()).isEqualTo("image/jpeg");
    assertThat(stored.versionId()).isEqualTo(S3ObjectStore.ETAG_VERSION + head.eTag().replace("\"", ""));
  }

  @Test
  void aStreamLongerThanItsDeclaredSizeIsRefusedAndStoresNothing() {
    String key = uniqueKey("long.jpg");

    assertThatThrownBy(() -> store.put(BUCKET, key, new ByteArrayInputStream(new byte[30]), 20, "image/jpeg"))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(store.stat(BUCKET, key)).isEmpty();
  }

  @Test
  void aMultipartStreamShorterOrLongerThanDeclaredIsRefusedAndLeavesNoUpload() {
    String shortKey = uniqueKey("short.zip");
    String longKey = uniqueKey("long.zip");
    long declared = 17L << 20;

    assertThatThrownBy(() -> store.put(BUCKET, shortKey, new GeneratedContent(declared - 1, 1), declared, null))
        .isInstanceOf(IllegalArgumentException.class);
    InputStream oneByteMore = new SequenceInputStream(new GeneratedContent(declared, 1),
        new ByteArrayInputStream(new byte[1]));
    assertThatThrownBy(() -> store.put(BUCKET, longKey, oneByteMore, declared, null))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(store.stat(BUCKET, shortKey)).isEmpty();
    assertThat(store.stat(BUCKET, longKey)).isEmpty();
    assertThat(client.listMultipartUploads(request -> request.bucket(BUCKET).prefix("contract/")).uploads())
        .noneMatch(upload -> upload.key().equals(shortKey) || upload.key().equals(longKey));
  }

  @Test
  void deletingAnOlderWriteLeavesTheNewerOneOfTheSameKey() {
    String key = uniqueKey("rewritten.jpg");
    StoredObject older = put(key, randomBytes(100));
    StoredObject newer = put(key, randomBytes(200));

    store.deleteVersion(BUCKET, key, older.versionId());

    assertThat(store.stat(BUCKET, key)).hasValueSatisfying(version ->
        assertThat(version.versionId()).isEqualTo(newer.versionId()));
  }

  @Test
  void linksLongerThanSevenDaysOrShorterThanASecondAreRefused() {
    String key = uniqueKey("linked.zip");

    assertThat(store.downloadLink(BUCKET, key, Duration.ofDays(7)).getQuery()).contains("X-Amz-Expires=604800");
    assertThatThrownBy(() -> store.downloadLink(BUCKET, key, Duration.ofDays(7).plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.downloadLink(BUCKET, key, Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hostileBucketsPrefixesAndTokensAreRefused() {
    assertThatThrownBy(() -> store.get("../bucket", "ok.jpg")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.stat("Bucket_Name", "ok.jpg")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.listVersions(BUCKET, "a/../../", null, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.listVersions(BUCKET, "ok/", "not-a-token", 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.downloadLink(BUCKET, "/etc/passwd", Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
