package app.photobomb.ops.testsupport.google;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretPayload;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.Test;

/** Both fakes on one Netty server on 127.0.0.1, as the local stack serves them: the wire format holds over HTTP/2. */
class GoogleFakesOverLoopbackTest {

  @Test
  void aRotationPinsANewSecretVersionInANewRevisionOverTheLoopbackPort() throws Exception {
    FakeCloudRun cloudRun = new FakeCloudRun();
    FakeSecretManager secretManager = new FakeSecretManager();
    cloudRun.seedService(FakeCloudRunTest.API, FakeCloudRunTest.template("db-password", "1"));
    secretManager.seed("projects/photobomb/secrets/db-password", "old-password");
    cloudRun.completeOperationsAfterPolls(2);

    try (GoogleFakeServer server = GoogleFakeServer.loopback(cloudRun, secretManager)) {
      assertThat(server.target()).matches("127\\.0\\.0\\.1:\\d+");
      ManagedChannel channel = server.newChannel();
      try (SecretManagerServiceClient secrets = GoogleClients.secretManager(channel);
          ServicesClient services = GoogleClients.services(channel)) {
        String version = secrets.addSecretVersion("projects/photobomb/secrets/db-password",
            SecretPayload.newBuilder().setData(ByteString.copyFromUtf8("new-password")).build()).getName();
        String number = version.substring(version.lastIndexOf('/') + 1);

        Service updated = services.updateServiceAsync(services.getService(FakeCloudRunTest.API).toBuilder()
            .setTemplate(FakeCloudRunTest.template("db-password", number)).build()).get();

        assertThat(number).isEqualTo("2");
        assertThat(secrets.accessSecretVersion(version).getPayload().getData().toStringUtf8())
            .isEqualTo("new-password");
        assertThat(updated.getTemplate().getContainers(0).getEnv(0).getValueSource().getSecretKeyRef().getVersion())
            .isEqualTo("2");
        assertThat(updated.getTrafficStatuses(0).getRevision()).startsWith("api-00002-");
        assertThat(cloudRun.calls("GetOperation")).hasSize(2);
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
