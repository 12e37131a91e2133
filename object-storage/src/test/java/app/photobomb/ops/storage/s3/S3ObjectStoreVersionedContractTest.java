package app.photobomb.ops.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.ObjectVersion;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.common.storage.VersionPage;
import app.photobomb.ops.storage.GeneratedContent;
import app.photobomb.ops.storage.ObjectStoreContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * The contract on the S3 adapter against a bucket with versioning on (s3proxy's in-memory backend), where
 * version ids are S3's and listings use ListObjectVersions.
 */
class S3ObjectStoreVersionedContractTest extends ObjectStoreContract {

  private static final String BUCKET = "photobomb-versioned";

  private static S3ProxyServer server;
  private static S3Client client;
  private static S3ObjectStore store;

  @BeforeAll
  static void start() throws Exception {
    server = S3ProxyServer.versioned();
    S3Properties properties = server.properties(DataSize.ofMegabytes(16), DataSize.ofMegabytes(5));
    client = S3Clients.client(properties);
    client.createBucket(request -> request.bucket(BUCKET));
    client.putBucketVersioning(request -> request.bucket(BUCKET)
        .versioningConfiguration(versioning -> versioning.status(BucketVersioningStatus.ENABLED)));
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
  void everyPutLeavesOneVersionWithItsSha256AndTheyListNewestFirstAcrossPages() {
    String key = uniqueKey("rewritten.jpg");
    List<String> written = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      StoredObject stored = put(key, randomBytes(50 + i));
      assertThat(stored.versionId()).doesNotStartWith(S3ObjectStore.ETAG_VERSION);
      assertThat(client.headObject(request -> request.bucket(BUCKET).key(key).versionId(stored.versionId()))
          .metadata()).containsEntry(S3ObjectStore.SHA256_METADATA, stored.sha256());
      written.add(0, stored.versionId());
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
  void deletingTheNewestVersionBringsBackThePreviousOne() {
    String key = uniqueKey("restored.jpg");
    StoredObject older = put(key, randomBytes(10));
    StoredObject newer = put(key, randomBytes(20));

    store.deleteVersion(BUCKET, key, newer.versionId());

    assertThat(store.stat(BUCKET, key)).hasValueSatisfying(version -> {
      assertThat(version.versionId()).isEqualTo(older.versionId());
      assertThat(version.size()).isEqualTo(10);
    });
  }

  @Test
  void aMultipartPutLeavesOneVersion() {
    String key = uniqueKey("export.zip");
    long size = 17L << 20;

    StoredObject stored = store.put(BUCKET, key, new GeneratedContent(size, 3), size, "application/zip");

    assertThat(store.listVersions(BUCKET, key, null, 10).versions()).extracting(ObjectVersion::versionId)
        .containsExactly(stored.versionId());
    assertThat(client.headObject(request -> request.bucket(BUCKET).key(key)).metadata())
        .containsEntry(S3ObjectStore.SHA256_METADATA, stored.sha256());
  }
}
