package app.photobomb.ops.testsupport.google;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.run.v2.RevisionsClient;
import com.google.cloud.run.v2.RevisionsSettings;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.ServicesSettings;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretManagerServiceSettings;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.time.Duration;

/** The real Google clients over a given channel, without credentials, as a service builds them against the fakes. */
final class GoogleClients {

  // the client's own polling starts at 5 s and grows; a fake that answers at once needs no such wait
  static final RetrySettings FAST_POLLING = RetrySettings.newBuilder()
      .setInitialRetryDelayDuration(Duration.ofMillis(10)).setRetryDelayMultiplier(1.0)
      .setMaxRetryDelayDuration(Duration.ofMillis(10))
      .setInitialRpcTimeoutDuration(Duration.ofSeconds(5)).setRpcTimeoutMultiplier(1.0)
      .setMaxRpcTimeoutDuration(Duration.ofSeconds(5)).setTotalTimeoutDuration(Duration.ofSeconds(10)).build();

  private GoogleClients() {}

  static ServicesClient services(ManagedChannel channel) throws IOException {
    ServicesSettings.Builder settings = ServicesSettings.newBuilder()
        .setTransportChannelProvider(fixed(channel)).setCredentialsProvider(NoCredentialsProvider.create());
    settings.updateServiceOperationSettings().setPollingAlgorithm(OperationTimedPollAlgorithm.create(FAST_POLLING));
    return ServicesClient.create(settings.build());
  }

  static RevisionsClient revisions(ManagedChannel channel) throws IOException {
    return RevisionsClient.create(RevisionsSettings.newBuilder()
        .setTransportChannelProvider(fixed(channel)).setCredentialsProvider(NoCredentialsProvider.create()).build());
  }

  static SecretManagerServiceClient secretManager(ManagedChannel channel) throws IOException {
    return SecretManagerServiceClient.create(SecretManagerServiceSettings.newBuilder()
        .setTransportChannelProvider(fixed(channel)).setCredentialsProvider(NoCredentialsProvider.create()).build());
  }

  // a fixed channel is not closed by the client (shouldAutoClose is false): the test shuts it down
  private static TransportChannelProvider fixed(ManagedChannel channel) {
    return FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
  }
}
