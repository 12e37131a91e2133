package app.photobomb.ops.platform.google;

import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.GoogleCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.api.services.sqladmin.SQLAdmin;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.run.v2.RevisionsClient;
import com.google.cloud.run.v2.RevisionsSettings;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.ServicesSettings;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretManagerServiceSettings;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.io.IOException;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Google API clients, built from {@link GoogleProperties}: the real libraries, pointed at a stand-in locally. */
@Configuration(proxyBeanMethods = false)
public class GoogleClients {

  private static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/cloud-platform");

  @Bean
  SQLAdmin sqlAdmin(GoogleProperties properties) throws IOException {
    HttpRequestInitializer credentials = properties.local() ? request -> { }
        : new HttpCredentialsAdapter(GoogleCredentials.getApplicationDefault().createScoped(SCOPES));
    return new SQLAdmin.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), credentials)
        .setRootUrl(properties.sqlAdminUrl()).setApplicationName("photobomb-ops-platform-service").build();
  }

  @Bean
  CloudSql cloudSql(SQLAdmin sqlAdmin, GoogleProperties properties) {
    return new CloudSql(sqlAdmin, properties.project());
  }

  /** Cloud Run Admin v2: the API's service and its traffic. */
  @Bean(destroyMethod = "close")
  ServicesClient cloudRunServices(GoogleProperties properties) throws IOException {
    ServicesSettings.Builder settings = ServicesSettings.newBuilder().setCredentialsProvider(credentials(properties));
    TransportChannelProvider channel = localChannel(properties, properties.cloudRunEndpoint());
    if (channel == null) {
      settings.setEndpoint(properties.cloudRunEndpoint());
    } else {
      settings.setTransportChannelProvider(channel);
    }
    return ServicesClient.create(settings.build());
  }

  /** Cloud Run Admin v2: the service's revisions. */
  @Bean(destroyMethod = "close")
  RevisionsClient cloudRunRevisions(GoogleProperties properties) throws IOException {
    RevisionsSettings.Builder settings = RevisionsSettings.newBuilder().setCredentialsProvider(credentials(properties));
    TransportChannelProvider channel = localChannel(properties, properties.cloudRunEndpoint());
    if (channel == null) {
      settings.setEndpoint(properties.cloudRunEndpoint());
    } else {
      settings.setTransportChannelProvider(channel);
    }
    return RevisionsClient.create(settings.build());
  }

  /** Secret Manager v1: the rotated secrets' versions. */
  @Bean(destroyMethod = "close")
  SecretManagerServiceClient secretManager(GoogleProperties properties) throws IOException {
    SecretManagerServiceSettings.Builder settings = SecretManagerServiceSettings.newBuilder()
        .setCredentialsProvider(credentials(properties));
    TransportChannelProvider channel = localChannel(properties, properties.secretManagerEndpoint());
    if (channel == null) {
      settings.setEndpoint(properties.secretManagerEndpoint());
    } else {
      settings.setTransportChannelProvider(channel);
    }
    return SecretManagerServiceClient.create(settings.build());
  }

  /** Credentials of the gRPC clients: none for a stand-in, else Application Default Credentials. */
  public static CredentialsProvider credentials(GoogleProperties properties) {
    return properties.local() ? NoCredentialsProvider.create()
        : GoogleCredentialsProvider.newBuilder().setScopesToApply(SCOPES).build();
  }

  /** A plaintext channel to a stand-in (loopback or in-process); null in production: the client's own TLS channel. */
  public static TransportChannelProvider localChannel(GoogleProperties properties, String endpoint) {
    if (!properties.local()) {
      return null;
    }
    ManagedChannel channel = endpoint.startsWith("inprocess:")
        ? InProcessChannelBuilder.forName(endpoint.substring("inprocess:".length())).build()
        : ManagedChannelBuilder.forTarget(endpoint).usePlaintext().build();
    return FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
  }
}
