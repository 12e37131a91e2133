package app.photobomb.ops.platform.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Fabric8 client of the workers' cluster: found the usual way unless a master URL is configured. */
@Configuration(proxyBeanMethods = false)
class KubernetesConfiguration {

  @Bean(destroyMethod = "close")
  KubernetesClient kubernetesClient(KubernetesProperties properties) {
    Config config = properties.masterUrl().isBlank() ? Config.autoConfigure(null)
        : new ConfigBuilder(Config.empty()).withMasterUrl(properties.masterUrl()).withTrustCerts(true)
            .withNamespace(properties.namespace()).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
