package app.photobomb.ops.platform.rotation;

import com.backblaze.b2.client.B2ClientConfig;
import com.backblaze.b2.client.B2StorageClient;
import com.backblaze.b2.client.exceptions.B2Exception;
import com.backblaze.b2.client.structures.B2ApplicationKey;
import com.backblaze.b2.client.structures.B2CreateKeyRequest;
import com.backblaze.b2.client.structures.B2CreatedApplicationKey;
import com.backblaze.b2.client.structures.B2DeleteKeyRequest;
import com.backblaze.b2.client.structures.B2ListKeysRequest;
import com.backblaze.b2.client.webApiHttpClient.B2StorageHttpClientBuilder;
import com.backblaze.b2.client.webApiHttpClient.HttpClientFactoryImpl;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/** B2 application keys through the b2-sdk, with the admin key of the settings (created lazily: unused unless b2). */
@Component
public class B2Keys implements DisposableBean {

  private final RotationProperties.B2 properties;
  private B2StorageClient client;

  B2Keys(RotationProperties properties) {
    this.properties = properties.b2();
  }

  /** Every key B2 lists (not the master key). */
  synchronized List<B2ApplicationKey> list() throws B2Exception {
    List<B2ApplicationKey> keys = new ArrayList<>();
    client().applicationKeys(B2ListKeysRequest.builder().build()).forEach(keys::add);
    return keys;
  }

  Optional<B2ApplicationKey> find(String keyId) throws B2Exception {
    return list().stream().filter(key -> key.getApplicationKeyId().equals(keyId)).findFirst();
  }

  Optional<B2ApplicationKey> named(String keyName) throws B2Exception {
    return allNamed(keyName).stream().findFirst();
  }

  List<B2ApplicationKey> allNamed(String keyName) throws B2Exception {
    return list().stream().filter(key -> key.getKeyName().equals(keyName)).toList();
  }

  /** A new key with the template's capabilities, bucket and prefix; its secret is in this answer only. */
  synchronized B2CreatedApplicationKey create(String keyName, B2ApplicationKey like) throws B2Exception {
    B2CreateKeyRequest.Builder request = B2CreateKeyRequest.builder(like.getCapabilities(), keyName);
    if (like.getBucketId() != null) {
      request.setBucketId(like.getBucketId());
    }
    if (like.getNamePrefix() != null) {
      request.setNamePrefix(like.getNamePrefix());
    }
    return client().createKey(request.build());
  }

  /** Deletes the key if it exists; false when it was gone already. */
  synchronized boolean delete(String keyId) throws B2Exception {
    if (find(keyId).isEmpty()) {
      return false;
    }
    client().deleteKey(B2DeleteKeyRequest.builder(keyId).build());
    return true;
  }

  private B2StorageClient client() {
    if (client == null) {
      if (properties.adminKeyId().isBlank() || properties.adminKey().isBlank()) {
        throw new IllegalStateException("photobomb.platform.rotation.b2.admin-key-id and admin-key are not set: "
            + "give a key with listKeys, writeKeys and deleteKeys");
      }
      B2ClientConfig config = B2ClientConfig.builder(properties.adminKeyId(), properties.adminKey(),
          "photobomb-ops-platform-service").setMasterUrl(properties.apiUrl()).build();
      client = B2StorageHttpClientBuilder.builder(config).setHttpClientFactory(HttpClientFactoryImpl.builder()
          .setSupportInsecureHttp(properties.allowInsecureHttp()).build()).build();
    }
    return client;
  }

  @Override
  public synchronized void destroy() {
    if (client != null) {
      client.close();
    }
  }
}
