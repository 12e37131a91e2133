package app.photobomb.ops.storage.b2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.photobomb.ops.common.storage.ObjectNotFoundException;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.ObjectVersion;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.common.storage.VersionPage;
import app.photobomb.ops.storage.ObjectStoreContract;
import com.backblaze.b2.client.B2ClientConfig;
import com.backblaze.b2.client.B2StorageClientImpl;
import com.backblaze.b2.client.contentSources.B2ByteArrayContentSource;
import com.backblaze.b2.client.structures.B2FileVersion;
import com.backblaze.b2.client.structures.B2GetUploadPartUrlRequest;
import com.backblaze.b2.client.structures.B2ListUnfinishedLargeFilesRequest;
import com.backblaze.b2.client.structures.B2StartLargeFileRequest;
import com.backblaze.b2.client.structures.B2UploadPartRequest;
import com.backblaze.b2.client.structures.B2UploadPartUrlResponse;
import com.backblaze.b2.client.webApiHttpClient.B2StorageHttpClientBuilder;
import com.backblaze.b2.client.webApiHttpClient.HttpClientFactoryImpl;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the B2 adapter, through the official SDK to a fake B2 on loopback. */
class B2ObjectStoreContractTest extends ObjectStoreContract {

  private static final String BUCKET = "photobomb-originals";

  @TempDir
  static Path root;
  private static FakeB2Server server;
  private static B2ObjectStore store;
  /** The SDK itself, for what the adapter never does: starting a large file and leaving it unfinished. */
  private static B2StorageClientImpl sdk;
  private static String bucketId;

  @BeforeAll
  static void start() throws IOException {
    server = new FakeB2Server(root).start();
    server.createBucket(BUCKET);
    store = B2ObjectStore.create(server.clientProperties(3));
    bucketId = server.createBucket(BUCKET);
    B2ClientConfig config = B2ClientConfig.builder(server.applicationKeyId(), server.applicationKey(), "test")
        .setMasterUrl(server.baseUrl()).build();
    sdk = (B2StorageClientImpl) B2StorageHttpClientBuilder.builder(config)
        .setHttpClientFactory(HttpClientFactoryImpl.builder().setSupportInsecureHttp(true).build()).build();
  }

  @AfterAll
  static void stop() {
    sdk.close();
    store.close();
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
  void everyVersionOfAKeyIsListedNewestFirstAcrossPages() {
    String key = uniqueKey("rewritten.jpg");
    List<String> written = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      written.add(0, put(key, randomBytes(50 + i)).versionId());
    }

    List<ObjectVersion> listed = new ArrayList<>();
    String token = null;
    do {
      VersionPage page = store.listVersions(BUCKET, key, token, 2);
      listed.addAll(page.versions());
      token = page.nextPageToken();
    } while (token != null);

    assertThat(listed).extracting(ObjectVersion::versionId).containsExactlyElementsOf(written);
    assertThat(store.stat(BUCKET, key)).map(ObjectVersion::versionId).contains(written.get(0));
  }

  @Test
  void aHiddenKeyIsAbsentWhileItsVersionsAndItsHideMarkerStayListed() {
    String key = uniqueKey("hidden.jpg");
    StoredObject stored = put(key, randomBytes(200));

    store.hide(BUCKET, key);
    store.hide(BUCKET, key);

    assertThat(store.stat(BUCKET, key)).isEmpty();
    assertThatThrownBy(() -> store.get(BUCKET, key).close()).isInstanceOf(ObjectNotFoundException.class);
    List<ObjectVersion> listed = store.listVersions(BUCKET, key, null, 10).versions();
    assertThat(listed).extracting(ObjectVersion::versionId).hasSize(2).last().isEqualTo(stored.versionId());
    assertThat(listed.get(0).versionId()).as("the hide marker, newest").startsWith(B2ObjectStore.HIDE_MARKER);
  }

  @Test
  void hideMarkersAndUnfinishedLargeFilesAreListedAndGoWithEveryVersionOfTheKey() throws Exception {
    String key = uniqueKey("large.mp4");
    StoredObject uploaded = put(key, randomBytes(300));
    String largeFileId = startLargeFileWithOnePart(key, randomBytes(5_000));
    assertThat(store.stat(BUCKET, key)).as("an unfinished large file hides nothing")
        .map(ObjectVersion::versionId).contains(uploaded.versionId());
    store.hide(BUCKET, key);
    int versionsBefore = server.versionCount();

    List<ObjectVersion> listed = store.listVersions(BUCKET, key, null, 10).versions();

    assertThat(listed).extracting(ObjectVersion::versionId).containsExactlyInAnyOrder(uploaded.versionId(),
        B2ObjectStore.UNFINISHED + largeFileId, listed.get(0).versionId());
    assertThat(listed.get(0).versionId()).startsWith(B2ObjectStore.HIDE_MARKER);
    assertThat(store.deleteEveryVersion(BUCKET, key)).as("upload, hide marker and unfinished large file")
        .isEqualTo(3);
    assertThat(store.listVersions(BUCKET, key, null, 10).versions()).isEmpty();
    assertThat(server.versionCount()).isEqualTo(versionsBefore - 3);
    assertThat(sdk.unfinishedLargeFiles(B2ListUnfinishedLargeFilesRequest.builder(bucketId).setNamePrefix(key)
        .build())).as("b2_list_unfinished_large_files finds none left").isEmpty();
    try (var files = java.nio.file.Files.list(root)) {
      assertThat(files.map(Path::toString)).as("its parts are gone").noneMatch(name -> name.contains(largeFileId));
    }
    assertThat(store.deleteVersion(BUCKET, key, B2ObjectStore.UNFINISHED + largeFileId))
        .as("a cancelled large file is gone").isFalse();
  }

  @Test
  void aPageOfTenThousandVersionsIsOneB2Call() throws IOException {
    String prefix = "full-page-" + java.util.UUID.randomUUID() + "/";
    for (int i = 0; i < 10_003; i++) {
      server.seed(BUCKET, prefix + "photo-" + i + ".jpg", new byte[] {(byte) i});
    }
    int before = server.calls("b2_list_file_versions");

    VersionPage first = store.listVersions(BUCKET, prefix, null, 10_000);
    int afterFirst = server.calls("b2_list_file_versions");
    VersionPage second = store.listVersions(BUCKET, prefix, first.nextPageToken(), 50_000);

    assertThat(first.versions()).hasSize(10_000);
    assertThat(afterFirst - before).as("one call for a full page").isEqualTo(1);
    assertThat(second.versions()).hasSize(3);
    assertThat(second.nextPageToken()).isNull();
    assertThat(server.calls("b2_list_file_versions") - afterFirst).as("a larger page size is capped, one call")
        .isEqualTo(1);
  }

  /** What a large upload that died midway leaves in B2: a started large file with one part, never finished. */
  private static String startLargeFileWithOnePart(String key, byte[] part) throws Exception {
    B2FileVersion started = sdk.startLargeFile(B2StartLargeFileRequest.builder(bucketId, key, "video/mp4").build());
    B2UploadPartUrlResponse partUrl = sdk.getUploadPartUrl(B2GetUploadPartUrlRequest.builder(started.getFileId())
        .build());
    sdk.getWebifier().uploadPart(partUrl, B2UploadPartRequest.builder(1, B2ByteArrayContentSource.build(part))
        .build());
    return started.getFileId();
  }

  @Test
  void aStreamLongerThanItsDeclaredSizeIsRefusedAndStoresNothing() {
    String key = uniqueKey("long.jpg");

    assertThatThrownBy(() -> store.put(BUCKET, key, new ByteArrayInputStream(new byte[30]), 20, "image/jpeg"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.stat(BUCKET, key)).isEmpty();
  }

  @Test
  void anEmptyObjectRoundTrips() throws IOException {
    String key = uniqueKey("empty.txt");

    StoredObject stored = store.put(BUCKET, key, new ByteArrayInputStream(new byte[0]), 0, "text/plain");

    assertThat(stored.sha256()).isEqualTo(sha256(new byte[0]));
    try (InputStream in = store.get(BUCKET, key)) {
      assertThat(in.readAllBytes()).isEmpty();
    }
  }

  @Test
  void keysWithSpacesPlusAndUnicodeRoundTripAndLink() throws Exception {
    String key = uniqueKey("holiday photos/ski + snow é.jpg");
    byte[] bytes = randomBytes(1234);
    put(key, bytes);

    try (InputStream in = store.get(BUCKET, key)) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
    assertThat(store.stat(BUCKET, key)).map(ObjectVersion::key).contains(key);
    assertThat(store.listVersions(BUCKET, key, null, 10).versions()).extracting(ObjectVersion::key)
        .containsExactly(key);
  }

  @Test
  void aStreamClosedHalfwayReleasesItsDownload() throws IOException {
    String key = uniqueKey("abandoned.bin");
    byte[] bytes = randomBytes(2_000_000);
    put(key, bytes);

    // More gets than the adapter has download threads: each close must give its thread back.
    for (int i = 0; i < 100; i++) {
      try (InputStream in = store.get(BUCKET, key)) {
        assertThat(in.readNBytes(10)).isEqualTo(Arrays.copyOf(bytes, 10));
      }
    }
  }

  @Test
  void linksLongerThanSevenDaysOrShorterThanASecondAreRefused() {
    String key = uniqueKey("linked.zip");

    assertThatThrownBy(() -> store.downloadLink(BUCKET, key, Duration.ofDays(7).plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.downloadLink(BUCKET, key, Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hostileKeysAndBucketsMakeNoCall() {
    int before = server.totalCalls();

    assertThatThrownBy(() -> store.hide(BUCKET, "../x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.downloadLink(BUCKET, "/etc/passwd", Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.listVersions(BUCKET, "a/../../", null, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.listVersions(BUCKET, "ok/", "not-a-token", 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.get("../bucket", "ok.jpg")).isInstanceOf(IllegalArgumentException.class);

    assertThat(server.totalCalls()).isEqualTo(before);
  }
}
