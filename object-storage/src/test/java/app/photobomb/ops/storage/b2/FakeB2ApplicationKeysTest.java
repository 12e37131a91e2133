package app.photobomb.ops.storage.b2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.backblaze.b2.client.B2ClientConfig;
import com.backblaze.b2.client.B2StorageClient;
import com.backblaze.b2.client.exceptions.B2Exception;
import com.backblaze.b2.client.exceptions.B2UnauthorizedException;
import com.backblaze.b2.client.structures.B2ApplicationKey;
import com.backblaze.b2.client.structures.B2CreateKeyRequest;
import com.backblaze.b2.client.structures.B2CreatedApplicationKey;
import com.backblaze.b2.client.structures.B2DeleteKeyRequest;
import com.backblaze.b2.client.structures.B2ListKeysRequest;
import com.backblaze.b2.client.webApiHttpClient.B2StorageHttpClientBuilder;
import com.backblaze.b2.client.webApiHttpClient.HttpClientFactoryImpl;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** B2 application keys on the fake, through the real b2-sdk client: create, list, delete, and what a deleted key can do. */
class FakeB2ApplicationKeysTest {

  private static final String BUCKET = "photobomb-keys";

  @TempDir
  Path root;
  private FakeB2Server server;
  private final List<B2StorageClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = new FakeB2Server(root).start();
    server.createBucket(BUCKET);
  }

  @AfterEach
  void stop() {
    clients.forEach(B2StorageClient::close);
    server.close();
  }

  @Test
  void aCreatedKeyAuthorizesAndIsListedWithItsCapabilitiesButNotItsSecret() throws B2Exception {
    B2StorageClient master = client(server.applicationKeyId(), server.applicationKey());
    String bucketId = master.getBucketOrNullByName(BUCKET).getBucketId();

    B2CreatedApplicationKey created = master.createKey(B2CreateKeyRequest
        .builder(Set.of("listBuckets", "readFiles", "writeFiles"), "photobomb-originals-2026-12")
        .setBucketId(bucketId)
        .build());

    assertThat(created.getApplicationKeyId()).isNotBlank();
    assertThat(created.getApplicationKey()).isNotBlank().isNotEqualTo(server.applicationKey());
    assertThat(created.getKeyName()).isEqualTo("photobomb-originals-2026-12");
    assertThat(created.getCapabilities()).containsExactly("listBuckets", "readFiles", "writeFiles");
    assertThat(created.getBucketId()).isEqualTo(bucketId);

    B2StorageClient rotated = client(created.getApplicationKeyId(), created.getApplicationKey());
    assertThat(rotated.getAccountAuthorization().getAllowed().getBucketName()).isEqualTo(BUCKET);
    assertThat(rotated.buckets()).extracting(bucket -> bucket.getBucketName()).containsExactly(BUCKET);

    List<B2ApplicationKey> listed = new ArrayList<>();
    master.applicationKeys(B2ListKeysRequest.builder().build()).forEach(listed::add);
    assertThat(listed).extracting(B2ApplicationKey::getApplicationKeyId)
        .as("created keys only: B2 does not list the master key").containsExactly(created.getApplicationKeyId());
    assertThat(listed.get(0).getCapabilities()).containsExactly("listBuckets", "readFiles", "writeFiles");
  }

  @Test
  void aDeletedKeyCanNoLongerAuthorizeAndItsTokensStopWorking() throws B2Exception {
    B2StorageClient master = client(server.applicationKeyId(), server.applicationKey());
    B2CreatedApplicationKey old = master.createKey(B2CreateKeyRequest
        .builder(Set.of("listBuckets", "readFiles"), "photobomb-old").build());
    B2CreatedApplicationKey fresh = master.createKey(B2CreateKeyRequest
        .builder(Set.of("listBuckets", "readFiles"), "photobomb-new").build());
    B2StorageClient authorizedWithOld = client(old.getApplicationKeyId(), old.getApplicationKey());
    assertThat(authorizedWithOld.buckets()).hasSize(1);

    B2ApplicationKey deleted = master.deleteKey(B2DeleteKeyRequest.builder(old.getApplicationKeyId()).build());

    assertThat(deleted.getApplicationKeyId()).isEqualTo(old.getApplicationKeyId());
    assertThat(server.createdKeyIds()).containsExactly(fresh.getApplicationKeyId());
    assertThatThrownBy(() -> client(old.getApplicationKeyId(), old.getApplicationKey()).getAccountAuthorization())
        .isInstanceOfSatisfying(B2UnauthorizedException.class, e -> {
          assertThat(e.getStatus()).isEqualTo(401);
          assertThat(e.getCode()).isEqualTo("bad_auth_token");
        });
    assertThatThrownBy(authorizedWithOld::buckets)
        .as("the token the deleted key was given goes with it").isInstanceOf(B2UnauthorizedException.class);
    assertThat(client(fresh.getApplicationKeyId(), fresh.getApplicationKey()).buckets()).hasSize(1);
    assertThat(client(server.applicationKeyId(), server.applicationKey()).buckets())
        .as("the master key still authorizes").hasSize(1);
    assertThatThrownBy(() -> master.deleteKey(B2DeleteKeyRequest.builder(old.getApplicationKeyId()).build()))
        .isInstanceOfSatisfying(B2Exception.class, e -> assertThat(e.getStatus()).isEqualTo(400));
  }

  @Test
  void keysArePagedInIdOrderFromTheStartKeyInclusive() throws B2Exception {
    B2StorageClient master = client(server.applicationKeyId(), server.applicationKey());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(master.createKey(B2CreateKeyRequest.builder(Set.of("readFiles"), "key-" + i).build())
          .getApplicationKeyId());
    }

    List<String> listed = new ArrayList<>();
    master.applicationKeys(B2ListKeysRequest.builder().setMaxKeyCount(2).build())
        .forEach(key -> listed.add(key.getApplicationKeyId()));

    assertThat(listed).as("the SDK follows nextApplicationKeyId across pages of 2").isEqualTo(ids);
  }

  private B2StorageClient client(String keyId, String key) {
    B2ClientConfig config = B2ClientConfig.builder(keyId, key, "photobomb-ops-test")
        .setMasterUrl(server.baseUrl())
        .build();
    B2StorageClient client = B2StorageHttpClientBuilder.builder(config)
        .setHttpClientFactory(HttpClientFactoryImpl.builder().setSupportInsecureHttp(true).build())
        .setRetryPolicySupplier(() -> new BoundedRetryPolicy(1, Duration.ofSeconds(1)))
        .build();
    clients.add(client);
    return client;
  }
}
