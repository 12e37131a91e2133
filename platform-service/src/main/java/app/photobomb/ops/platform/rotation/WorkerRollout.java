package app.photobomb.ops.platform.rotation;

import app.photobomb.ops.platform.kubernetes.KubernetesProperties;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;

/** The workers' Secret and rollout restarts (Fabric8), and the API's login check. */
@Component
public class WorkerRollout {

  static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

  private final KubernetesClient kubernetes;
  private final String namespace;
  private final RotationProperties properties;
  private final HttpClient http;

  WorkerRollout(KubernetesClient kubernetes, KubernetesProperties kubernetesProperties,
      RotationProperties properties) {
    this.kubernetes = kubernetes;
    this.namespace = kubernetesProperties.namespace();
    this.properties = properties;
    this.http = HttpClient.newBuilder().connectTimeout(properties.checkTimeout()).build();
  }

  String namespace() {
    return namespace;
  }

  /** Puts the entries into the Secret's data; false when the Secret does not exist. */
  boolean updateSecret(Map<String, String> entries) {
    var resource = kubernetes.secrets().inNamespace(namespace).withName(properties.workers().secret());
    if (resource.get() == null) {
      return false;
    }
    resource.edit(secret -> {
      Map<String, String> data = secret.getData() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(secret.getData());
      entries.forEach((key, value) -> data.put(key,
          Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
      secret.setData(data);
      return secret;
    });
    return true;
  }

  /**
   * {@code kubectl rollout restart}: the template's restartedAt annotation set to {@code stamp} (an edit of the
   * template, not the strategic-merge patch of {@code rolling().restart()}); the deployment's generation after it,
   * or -1 when the deployment does not exist. Nothing changes when the annotation says {@code stamp} already.
   */
  long restart(String worker, String stamp) {
    var resource = kubernetes.apps().deployments().inNamespace(namespace).withName(worker);
    Deployment deployment = resource.get();
    if (deployment == null) {
      return -1;
    }
    if (!stamp.equals(annotation(deployment))) {
      deployment = resource.edit(current -> {
        ObjectMeta metadata = current.getSpec().getTemplate().getMetadata();
        if (metadata == null) {
          metadata = new ObjectMeta();
          current.getSpec().getTemplate().setMetadata(metadata);
        }
        Map<String, String> annotations = metadata.getAnnotations() == null ? new HashMap<>()
            : new HashMap<>(metadata.getAnnotations());
        annotations.put(RESTARTED_AT, stamp);
        metadata.setAnnotations(annotations);
        return current;
      });
    }
    return Objects.requireNonNullElse(deployment.getMetadata().getGeneration(), 0L);
  }

  /** Null when the worker's restart at {@code generation} is rolled out, else what is still missing. */
  String notRolledOut(String worker, long generation) {
    Deployment deployment = kubernetes.apps().deployments().inNamespace(namespace).withName(worker).get();
    if (deployment == null) {
      return worker + " is gone";
    }
    int wanted = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    DeploymentStatus status = deployment.getStatus();
    long observed = status == null || status.getObservedGeneration() == null ? 0 : status.getObservedGeneration();
    int updated = status == null ? 0 : Objects.requireNonNullElse(status.getUpdatedReplicas(), 0);
    int available = status == null ? 0 : Objects.requireNonNullElse(status.getAvailableReplicas(), 0);
    int total = status == null ? 0 : Objects.requireNonNullElse(status.getReplicas(), 0);
    if (observed >= generation && updated >= wanted && available >= wanted && total <= updated) {
      return null;
    }
    return worker + ": generation " + observed + " of " + generation + " observed, " + updated + " of " + wanted
        + " updated, " + available + " available";
  }

  /** Null when the API's login check answers 2xx, else what it answered. */
  String loginCheckFails() throws InterruptedException {
    try {
      int status = http.send(HttpRequest.newBuilder(URI.create(properties.healthUrl()))
          .timeout(properties.checkTimeout()).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      return status / 100 == 2 ? null : "login check " + properties.healthUrl() + " answered " + status;
    } catch (IOException e) {
      return "login check " + properties.healthUrl() + " unreachable (" + e + ")";
    }
  }

  private static String annotation(Deployment deployment) {
    ObjectMeta metadata = deployment.getSpec().getTemplate().getMetadata();
    return metadata == null || metadata.getAnnotations() == null ? null : metadata.getAnnotations().get(RESTARTED_AT);
  }
}
