package app.photobomb.ops.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.photobomb.ops.common.storage.ObjectNotFoundException;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.ObjectVersion;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.common.storage.VersionPage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link ObjectStore} adapter must have, run against each adapter on loopback by a
 * subclass that supplies the store and a bucket.
 */
public abstract class ObjectStoreContract {

  /** The adapter under test, talking to its loopback stand-in. */
  protected abstract ObjectStore store();

  /** A bucket that exists in the stand-in. */
  protected abstract String bucket();

  /** Whether the stand-in serves the adapter's download links over HTTP (GCS's local helper does not). */
  protected boolean downloadLinksAreServed() {
    return true;
  }

  /** Whether the adapter takes objects of unknown size through {@link ObjectStore#upload} (GCS and local do). */
  protected boolean uploadsOfUnknownSize() {
    return false;
  }

  @Test
  void uploadOfUnknownSizeIsStoredOnCommitAndNothingWhenAbandoned() throws IOException {
    if (!uploadsOfUnknownSize()) {
      assertThatThrownBy(() -> store().upload(bucket(), uniqueKey("a.zip"), "application/zip"))
          .as("a store that needs sizes up front says so").isInstanceOf(UnsupportedOperationException.class);
      return;
    }
    byte[] bytes = randomBytes(700_000);
    String key = uniqueKey("archive.zip");
    String abandonedKey = uniqueKey("abandoned.zip");

    StoredObject stored;
    try (app.photobomb.ops.common.storage.ObjectUpload upload = store().upload(bucket(), key, "application/zip")) {
      for (int offset = 0; offset < bytes.length; offset += 65_536) {
        upload.write(bytes, offset, Math.min(65_536, bytes.length - offset));
      }
      assertThat(store().stat(bucket(), key)).as("invisible before the commit").isEmpty();
      stored = upload.commit();
    }
    try (app.photobomb.ops.common.storage.ObjectUpload upload = store().upload(bucket(), abandonedKey, "x/y")) {
      upload.write(bytes, 0, 1_000);
    }

    assertThat(stored.size()).isEqualTo(bytes.length);
    assertThat(stored.sha256()).isEqualTo(sha256(bytes));
    try (InputStream in = store().get(bucket(), key)) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
    assertThat(store().stat(bucket(), abandonedKey)).as("an abandoned upload stores nothing").isEmpty();
    assertThat(store().listVersions(bucket(), abandonedKey, null, 10).versions()).isEmpty();
  }

  @Test
  void putThenGetReturnsTheSameBytesWithTheirSha256() throws IOException {
    byte[] bytes = randomBytes(300_000);
    String key = uniqueKey("photo.jpg");

    StoredObject stored = store().put(bucket(), key, new ByteArrayInputStream(bytes), bytes.length, "image/jpeg");

    assertThat(stored.size()).isEqualTo(bytes.length);
    assertThat(stored.sha256()).isEqualTo(sha256(bytes));
    assertThat(stored.provider()).isEqualTo(store().provider());
    try (InputStream in = store().get(bucket(), key)) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
    assertThat(store().stat(bucket(), key)).hasValueSatisfying(version -> {
      assertThat(version.size()).isEqualTo(bytes.length);
      assertThat(version.versionId()).isEqualTo(stored.versionId());
    });
  }

  @Test
  void missingObjectIsEmptyOnStatAndNotFoundOnGet() {
    String key = uniqueKey("never-written.jpg");

    assertThat(store().stat(bucket(), key)).isEmpty();
    assertThatThrownBy(() -> store().get(bucket(), key).close()).isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void listingPagesThroughEveryVersionUnderThePrefix() {
    String prefix = "paging-" + UUID.randomUUID() + "/";
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String key = prefix + "photo-" + i + ".webp";
      put(key, randomBytes(100 + i));
      keys.add(key);
    }
    put("other-" + UUID.randomUUID() + "/outside.webp", randomBytes(10));

    List<ObjectVersion> all = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      VersionPage page = store().listVersions(bucket(), prefix, token, 10);
      assertThat(page.versions().size()).isLessThanOrEqualTo(10);
      all.addAll(page.versions());
      token = page.nextPageToken();
      pages++;
    } while (token != null && pages < 20);

    assertThat(pages).isGreaterThanOrEqualTo(3);
    assertThat(all).extracting(ObjectVersion::key).containsExactlyInAnyOrderElementsOf(keys);
  }

  @Test
  void aPageSizeAboveTheStoresMaximumIsCappedNotRefused() {
    String prefix = "capped-" + UUID.randomUUID() + "/";
    put(prefix + "a.webp", randomBytes(10));
    put(prefix + "b.webp", randomBytes(11));

    VersionPage page = store().listVersions(bucket(), prefix, null, 100_000);

    assertThat(page.versions()).extracting(ObjectVersion::key).containsExactly(prefix + "a.webp", prefix + "b.webp");
  }

  @Test
  void deletingAVersionRemovesItAndDeletingItAgainSaysItWasGone() {
    String key = uniqueKey("deleted.jpg");
    StoredObject stored = put(key, randomBytes(1000));

    assertThat(store().deleteVersion(bucket(), key, stored.versionId())).as("the first delete removes it").isTrue();
    assertThat(store().deleteVersion(bucket(), key, stored.versionId())).as("the second finds it gone").isFalse();

    assertThat(store().stat(bucket(), key)).isEmpty();
    assertThat(store().listVersions(bucket(), key, null, 100).versions()).isEmpty();
  }

  @Test
  void deletingAVersionOfAKeyThatWasNeverWrittenSaysItWasGone() {
    String key = uniqueKey("ghost.jpg");
    StoredObject stored = put(key, randomBytes(10));
    String neverWritten = uniqueKey("never.jpg");

    assertThat(store().deleteVersion(bucket(), neverWritten, stored.versionId())).isFalse();

    assertThat(store().stat(bucket(), key)).as("another key's version is untouched").isPresent();
  }

  @Test
  void deletingEveryVersionCountsOnlyTheVersionsItRemoved() {
    String key = uniqueKey("every.jpg");
    put(key, randomBytes(10));
    put(key, randomBytes(20));
    int listed = store().listVersions(bucket(), key, null, 100).versions().size();

    assertThat(store().deleteEveryVersion(bucket(), key)).isEqualTo(listed);
    assertThat(store().deleteEveryVersion(bucket(), key)).as("nothing left to remove").isZero();
    assertThat(store().stat(bucket(), key)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../etc/passwd", "/etc/passwd", "a/../../b", "nul\u0000byte", "", "a//b", "./x",
      "C:\\windows\\system32"})
  void hostileKeysAreRefusedBeforeAnyCall(String key) {
    assertThatThrownBy(() -> store().put(bucket(), key, new ByteArrayInputStream(new byte[1]), 1, "text/plain"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store().get(bucket(), key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store().stat(bucket(), key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store().deleteVersion(bucket(), key, "v")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aStreamShorterThanItsDeclaredSizeIsRefusedAndStoresNothing() {
    String key = uniqueKey("short.jpg");

    assertThatThrownBy(() -> store().put(bucket(), key, new ByteArrayInputStream(new byte[10]), 20, "image/jpeg"))
        .isInstanceOfAny(IllegalArgumentException.class, RuntimeException.class);
    assertThat(store().stat(bucket(), key)).isEmpty();
  }

  @Test
  void downloadLinkServesTheObject() throws Exception {
    byte[] bytes = randomBytes(5000);
    String key = uniqueKey("linked.zip");
    put(key, bytes);

    URI link = store().downloadLink(bucket(), key, Duration.ofDays(7));

    assertThat(link.getScheme()).isIn("http", "https");
    if (downloadLinksAreServed()) {
      HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(link).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(bytes);
    }
  }

  protected StoredObject put(String key, byte[] bytes) {
    return store().put(bucket(), key, new ByteArrayInputStream(bytes), bytes.length, "application/octet-stream");
  }

  protected static String uniqueKey(String name) {
    return "contract/" + UUID.randomUUID() + "/" + name;
  }

  protected static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  protected static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
