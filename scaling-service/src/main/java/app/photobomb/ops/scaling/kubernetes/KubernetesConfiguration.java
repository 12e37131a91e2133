package app.photobomb.ops.scaling.kubernetes;

import app.photobomb.ops.scaling.config.ScalingProperties;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Fabric8 client: found the usual way (service account, kubeconfig) unless a master URL is configured. */
@Configuration(proxyBeanMethods = false)
class KubernetesConfiguration {

  @Bean(destroyMethod = "close")
  KubernetesClient kubernetesClient(ScalingProperties properties) {
    ScalingProperties.Kubernetes settings = properties.kubernetes();
    Config base = settings.masterUrl().isBlank() ? Config.autoConfigure(null)
        : new ConfigBuilder(Config.empty()).withMasterUrl(settings.masterUrl()).withTrustCerts(true).build();
    // Fabric8 retries 5xx answers and connection failures itself, with exponential backoff.
    Config config = new ConfigBuilder(base)
        .withRequestRetryBackoffLimit(settings.retries())
        .withRequestRetryBackoffInterval((int) settings.retryBackoff().toMillis())
        .withRequestTimeout((int) settings.requestTimeout().toMillis())
        .withConnectionTimeout((int) settings.requestTimeout().toMillis())
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
