package app.photobomb.ops.platform.kubernetes;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the workers run ({@code photobomb.platform.kubernetes.*}).
 *
 * @param masterUrl the API server; blank: found the usual way (in-cluster service account, kubeconfig)
 * @param namespace the workers' namespace (runbook: {@code -n photobomb})
 */
@ConfigurationProperties("photobomb.platform.kubernetes")
public record KubernetesProperties(
    @DefaultValue("") String masterUrl,
    @DefaultValue("photobomb") String namespace) {
}
