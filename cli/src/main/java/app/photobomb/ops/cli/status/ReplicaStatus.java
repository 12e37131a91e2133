package app.photobomb.ops.cli.status;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The workers' replicas, from the Kubernetes API the scaling-service scales (Fabric8): wanted, ready and available
 * replicas of each deployment in the namespace. Optional: without an API URL or kubeconfig, the row says so.
 */
final class ReplicaStatus {

  private final String masterUrl;
  private final String namespace;
  private final Duration timeout;

  ReplicaStatus(String masterUrl, String namespace, Duration timeout) {
    this.masterUrl = masterUrl;
    this.namespace = namespace;
    this.timeout = timeout;
  }

  List<StatusRow> rows() {
    if (masterUrl == null) {
      return List.of(StatusRow.ok("replicas", namespace, "NOT CHECKED",
          "no Kubernetes API: set --kubernetes-url or PHOTOBOMB_KUBERNETES_URL"));
    }
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(masterUrl).withTrustCerts(true)
        .withRequestTimeout((int) timeout.toMillis()).withConnectionTimeout((int) timeout.toMillis())
        .withRequestRetryBackoffLimit(0).build();
    try (KubernetesClient kubernetes = new KubernetesClientBuilder().withConfig(config).build()) {
      List<StatusRow> rows = new ArrayList<>();
      for (Deployment deployment : kubernetes.apps().deployments().inNamespace(namespace).list().getItems()) {
        int wanted = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
        int ready = deployment.getStatus() == null ? 0
            : Objects.requireNonNullElse(deployment.getStatus().getReadyReplicas(), 0);
        rows.add(StatusRow.ok("replicas", namespace + "/" + deployment.getMetadata().getName(),
            Integer.toString(wanted), ready + " ready"));
      }
      return rows;
    } catch (Exception e) {
      return List.of(StatusRow.unreachable("replicas", namespace, e));
    }
  }
}
