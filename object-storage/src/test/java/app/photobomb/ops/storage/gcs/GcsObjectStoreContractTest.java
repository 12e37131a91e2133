package app.photobomb.ops.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.storage.ObjectStoreContract;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.ObjectMapper;

/**
 * The contract on the GCS adapter, on LocalStorageHelper's in-memory GCS with the calls it lacks filled in by
 * {@link LocalGcsStorage}. The helper serves no HTTP, so links are checked for their form and signature fields.
 */
class GcsObjectStoreContractTest extends ObjectStoreContract {

  private static final String BUCKET = "photobomb-originals";
  private static final String CLIENT_EMAIL = "links@photobomb-test.iam.gserviceaccount.com";

  private static Storage storage;
  private static GcsObjectStore store;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator keys = KeyPairGenerator.getInstance("RSA");
    keys.initialize(2048);
    ServiceAccountCredentials signer = ServiceAccountCredentials.newBuilder()
        .setClientEmail(CLIENT_EMAIL)
        .setPrivateKey(keys.generateKeyPair().getPrivate())
        .build();
    storage = LocalGcsStorage.create();
    store = new GcsObjectStore(storage, signer);
  }

  @AfterAll
  static void stop() {
    store.close();
  }

  @Override
  protected ObjectStore store() {
    return store;
  }

  @Override
  protected String bucket() {
    return BUCKET;
  }

  @Override
  protected boolean downloadLinksAreServed() {
    return false;
  }

  @Test
  void aSevenDayLinkIsAV4SignedUrlOfTheObject() {
    String key = uniqueKey("linked photo.jpg");

    URI link = store.downloadLink(BUCKET, key, Duration.ofDays(7));

    assertThat(link.getScheme()).isEqualTo("https");
    assertThat(link.getHost()).isEqualTo("storage.googleapis.com");
    assertThat(link.getPath()).isEqualTo("/" + BUCKET + "/" + key);
    assertThat(link.getQuery()).contains("X-Goog-Algorithm=GOOG4-RSA-SHA256", "X-Goog-Expires=604800",
        "X-Goog-Credential=" + CLIENT_EMAIL + "/", "X-Goog-Signature=");
  }

  @Test
  void aStoreFromAServiceAccountKeyFileSignsLinksWithThatAccount(@TempDir Path dir) throws Exception {
    KeyPairGenerator keys = KeyPairGenerator.getInstance("RSA");
    keys.initialize(2048);
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(keys.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Path keyFile = dir.resolve("service-account.json");
    Files.writeString(keyFile, new ObjectMapper().writeValueAsString(Map.of(
        "type", "service_account", "project_id", "photobomb-test", "private_key_id", "key-1",
        "private_key", pem, "client_email", "files@photobomb-test.iam.gserviceaccount.com",
        "client_id", "1", "token_uri", "https://oauth2.googleapis.com/token")));

    try (GcsObjectStore fromFile = GcsObjectStore.create(new GcsProperties("photobomb-test", keyFile))) {
      assertThat(fromFile.downloadLink(BUCKET, "a.jpg", Duration.ofHours(1)).getQuery())
          .contains("X-Goog-Credential=files@photobomb-test.iam.gserviceaccount.com/", "X-Goog-Expires=3600");
    }
  }

  @Test
  void linksLongerThanSevenDaysOrShorterThanASecondAreRefusedBeforeCallingGcs() {
    Storage untouched = mock(Storage.class);
    GcsObjectStore refusing = new GcsObjectStore(untouched);

    assertThatThrownBy(() -> refusing.downloadLink(BUCKET, "a.jpg", Duration.ofDays(7).plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> refusing.downloadLink(BUCKET, "a.jpg", Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class);
    verifyNoInteractions(untouched);
  }

  @Test
  void hostileBucketsKeysAndGenerationsMakeNoCall() {
    Storage untouched = mock(Storage.class);
    GcsObjectStore refusing = new GcsObjectStore(untouched);

    assertThatThrownBy(() -> refusing.get("../bucket", "ok.jpg")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> refusing.stat("Bucket", "ok.jpg")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> refusing.listVersions(BUCKET, "a/../../", null, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> refusing.deleteVersion(BUCKET, "ok.jpg", "not-a-generation"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> refusing.downloadLink(BUCKET, "/etc/passwd", Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    verifyNoInteractions(untouched);
  }

  @Test
  void theSha256IsPatchedIntoTheMetadataOfTheGenerationWritten() {
    String key = uniqueKey("photo.jpg");
    byte[] bytes = randomBytes(2000);

    StoredObject stored = store.put(BUCKET, key, new ByteArrayInputStream(bytes), bytes.length, "image/jpeg");

    Blob blob = storage.get(BlobId.of(BUCKET, key));
    assertThat(blob.getMetadata()).containsEntry(GcsObjectStore.SHA256_METADATA, sha256(bytes));
    assertThat(blob.getContentType()).isEqualTo("image/jpeg");
    assertThat(stored.versionId()).isEqualTo(String.valueOf(blob.getGeneration()));
  }

  @Test
  void aStreamLongerThanItsDeclaredSizeIsRefusedAndStoresNothing() {
    String key = uniqueKey("long.jpg");

    assertThatThrownBy(() -> store.put(BUCKET, key, new ByteArrayInputStream(new byte[30]), 20, "image/jpeg"))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(store.stat(BUCKET, key)).isEmpty();
  }

  @Test
  void deletingAnOlderGenerationLeavesTheNewerOne() {
    String key = uniqueKey("rewritten.jpg");
    StoredObject older = put(key, randomBytes(100));
    StoredObject newer = put(key, randomBytes(200));

    store.deleteVersion(BUCKET, key, older.versionId());

    assertThat(store.stat(BUCKET, key)).hasValueSatisfying(version ->
        assertThat(version.versionId()).isEqualTo(newer.versionId()));
  }

  @Override
  protected boolean uploadsOfUnknownSize() {
    return true;
  }
}
