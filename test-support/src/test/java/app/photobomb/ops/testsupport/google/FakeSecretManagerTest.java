package app.photobomb.ops.testsupport.google;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.FailedPreconditionException;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.PermissionDeniedException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.secretmanager.v1.Replication;
import com.google.cloud.secretmanager.v1.Secret;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.cloud.secretmanager.v1.SecretVersion;
import com.google.cloud.secretmanager.v1.SecretVersion.State;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeSecretManagerTest {

  static final String PROJECT = "projects/photobomb";
  static final String JWT = PROJECT + "/secrets/jwt-secret";

  private final FakeSecretManager secretManager = new FakeSecretManager();
  private GoogleFakeServer server;
  private ManagedChannel channel;
  private SecretManagerServiceClient client;

  @BeforeEach
  void startClient() throws Exception {
    server = GoogleFakeServer.inProcess("secret-manager-" + UUID.randomUUID(), secretManager);
    channel = server.newChannel();
    client = GoogleClients.secretManager(channel);
  }

  @AfterEach
  void stop() {
    client.close();
    channel.shutdownNow();
    server.close();
  }

  @Test
  void aDisabledVersionCannotBeAccessedUntilEnabledAgain() {
    client.createSecret(PROJECT, "jwt-secret", Secret.newBuilder().setReplication(automatic()).build());
    SecretVersion first = client.addSecretVersion(JWT, payload("first-value"));
    SecretVersion second = client.addSecretVersion(JWT, payload("second-value"));

    assertThat(first.getName()).isEqualTo(JWT + "/versions/1");
    assertThat(second.getName()).isEqualTo(JWT + "/versions/2");
    assertThat(second.getState()).isEqualTo(State.ENABLED);
    assertThat(client.accessSecretVersion(first.getName()).getPayload().getData().toStringUtf8())
        .isEqualTo("first-value");

    assertThat(client.disableSecretVersion(first.getName()).getState()).isEqualTo(State.DISABLED);
    assertThatThrownBy(() -> client.accessSecretVersion(first.getName()))
        .isInstanceOf(FailedPreconditionException.class).hasMessageContaining("is in DISABLED state");

    assertThat(client.enableSecretVersion(first.getName()).getState()).isEqualTo(State.ENABLED);
    assertThat(client.accessSecretVersion(first.getName()).getPayload().getData().toStringUtf8())
        .isEqualTo("first-value");
  }

  @Test
  void latestIsTheMostRecentlyCreatedVersionEvenWhenDisabled() {
    secretManager.seed(JWT, "first-value");
    String second = secretManager.seed(JWT, "second-value");

    var latest = client.accessSecretVersion(JWT + "/versions/latest");
    assertThat(latest.getName()).isEqualTo(second);
    assertThat(latest.getPayload().getData().toStringUtf8()).isEqualTo("second-value");
    assertThat(client.getSecretVersion(JWT + "/versions/latest").getName()).isEqualTo(second);

    // the API's alias does not fall back to an older enabled version (a pinned version number does)
    client.disableSecretVersion(second);
    assertThatThrownBy(() -> client.accessSecretVersion(JWT + "/versions/latest"))
        .isInstanceOf(FailedPreconditionException.class).hasMessageContaining(second);
    assertThat(client.accessSecretVersion(JWT + "/versions/1").getPayload().getData().toStringUtf8())
        .isEqualTo("first-value");
  }

  @Test
  void aDestroyedVersionIsGoneForGood() {
    String version = secretManager.seed(JWT, "old-value");

    SecretVersion destroyed = client.destroySecretVersion(version);

    assertThat(destroyed.getState()).isEqualTo(State.DESTROYED);
    assertThat(destroyed.hasDestroyTime()).isTrue();
    assertThatThrownBy(() -> client.accessSecretVersion(version)).isInstanceOf(FailedPreconditionException.class);
    assertThatThrownBy(() -> client.enableSecretVersion(version)).isInstanceOf(FailedPreconditionException.class);
    assertThat(secretManager.value(JWT, "1")).isEmpty();
  }

  @Test
  void versionsAreListedNewestFirstWithTheirStates() {
    secretManager.seed(JWT, "one");
    secretManager.seed(JWT, "two");
    secretManager.seed(JWT, "three");
    client.disableSecretVersion(JWT + "/versions/2");

    List<SecretVersion> listed = new ArrayList<>();
    client.listSecretVersions(JWT).iterateAll().forEach(listed::add);

    assertThat(listed).extracting(SecretVersion::getName)
        .containsExactly(JWT + "/versions/3", JWT + "/versions/2", JWT + "/versions/1");
    assertThat(listed).extracting(SecretVersion::getState)
        .containsExactly(State.ENABLED, State.DISABLED, State.ENABLED);
    assertThat(secretManager.states(JWT))
        .containsExactly(entry(1L, State.ENABLED), entry(2L, State.DISABLED), entry(3L, State.ENABLED));
    assertThat(secretManager.value(JWT, "latest")).contains("three");
  }

  @Test
  void aSecretNeedsReplicationAndANewName() {
    assertThatThrownBy(() -> client.createSecret(PROJECT, "jwt-secret", Secret.getDefaultInstance()))
        .isInstanceOf(InvalidArgumentException.class);
    client.createSecret(PROJECT, "jwt-secret", Secret.newBuilder().setReplication(automatic()).build());
    assertThatThrownBy(() -> client.createSecret(PROJECT, "jwt-secret",
        Secret.newBuilder().setReplication(automatic()).build())).isInstanceOf(AlreadyExistsException.class);
    assertThat(client.getSecret(JWT).getName()).isEqualTo(JWT);
  }

  @Test
  void aPayloadWhoseChecksumDoesNotMatchIsRejected() {
    secretManager.seed(JWT, "first-value");

    assertThatThrownBy(() -> client.addSecretVersion(JWT, payload("second-value").toBuilder()
        .setDataCrc32C(12345L).build())).isInstanceOf(InvalidArgumentException.class);
    assertThat(secretManager.states(JWT)).hasSize(1);
  }

  @Test
  void anInjectedFailureReachesTheClientAsItsApiException() {
    String version = secretManager.seed(JWT, "value");
    secretManager.failNextCalls("AccessSecretVersion", Status.PERMISSION_DENIED, 1);

    assertThatThrownBy(() -> client.accessSecretVersion(version)).isInstanceOfSatisfying(
        PermissionDeniedException.class, e ->
            assertThat(((ApiException) e).getStatusCode().getCode()).isEqualTo(StatusCode.Code.PERMISSION_DENIED));
    assertThat(client.accessSecretVersion(version).getPayload().getData().toStringUtf8()).isEqualTo("value");
  }

  @Test
  void valuesAppearInNoCallSummaryOrToString() {
    String value = "correct-horse-battery-staple";
    String version = secretManager.seed(JWT, value);
    client.addSecretVersion(JWT, payload(value + "-2"));
    client.accessSecretVersion(version);
    client.accessSecretVersion(JWT + "/versions/latest");

    assertThat(secretManager.calls()).extracting(CallJournal.Call::method)
        .containsExactly("AddSecretVersion", "AccessSecretVersion", "AccessSecretVersion");
    assertThat(secretManager.calls().toString()).doesNotContain(value);
    assertThat(secretManager.toString()).doesNotContain(value);
    assertThat(secretManager.value(JWT, "2")).contains(value + "-2");
  }

  private static Replication automatic() {
    return Replication.newBuilder().setAutomatic(Replication.Automatic.getDefaultInstance()).build();
  }

  private static SecretPayload payload(String value) {
    return SecretPayload.newBuilder().setData(ByteString.copyFromUtf8(value)).build();
  }
}
