package app.photobomb.ops.storage.b2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.photobomb.ops.common.storage.ObjectNotFoundException;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.ObjectVersion;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.common.storage.VersionPage;
import app.photobomb.ops.storage.ObjectStoreContract;
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

  @BeforeAll
  static void start() throws IOException {
    server = new FakeB2Server(root).start();
    server.createBucket(BUCKET);
    store = B2ObjectStore.create(server.clientProperties(3));
  }

  @AfterAll
  static void stop() {
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
  void aHiddenKeyIsAbsentWhileItsVersionsStayListed() {
    String key = uniqueKey("hidden.jpg");
    StoredObject stored = put(key, randomBytes(200));

    store.hide(BUCKET, key);
    store.hide(BUCKET, key);

    assertThat(store.stat(BUCKET, key)).isEmpty();
    assertThatThrownBy(() -> store.get(BUCKET, key).close()).isInstanceOf(ObjectNotFoundException.class);
    assertThat(store.listVersions(BUCKET, key, null, 10).versions())
        .extracting(ObjectVersion::versionId).containsExactly(stored.versionId());
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
