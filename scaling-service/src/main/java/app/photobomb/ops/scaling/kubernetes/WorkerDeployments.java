package app.photobomb.ops.scaling.kubernetes;

import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The Kubernetes side of scaling, through Fabric8: reads a deployment's scale subresource or the HPA that targets
 * it, and changes exactly one of them. The HPA's own minimum is kept in an annotation on it while raised, so any
 * replica (or a restarted one) restores it.
 */
@Component
public class WorkerDeployments {

  static final String RESTORE_ANNOTATION = "scaling.photobomb.app/restore-min-replicas";

  private final KubernetesClient client;

  public WorkerDeployments(KubernetesClient client) {
    this.client = client;
  }

  public ScaleTarget read(String namespace, String deployment) {
    return call(namespace, deployment, () -> {
      Optional<HorizontalPodAutoscaler> hpa = hpaOf(namespace, deployment);
      if (hpa.isPresent()) {
        HorizontalPodAutoscaler h = hpa.get();
        Map<String, String> annotations = h.getMetadata().getAnnotations();
        String restore = annotations == null ? null : annotations.get(RESTORE_ANNOTATION);
        Integer min = h.getSpec().getMinReplicas();
        return new ScaleTarget(namespace, deployment, h.getMetadata().getName(), min == null ? 1 : min,
            h.getSpec().getMaxReplicas(), restore == null ? null : Integer.valueOf(restore));
      }
      Scale scale = client.apps().deployments().inNamespace(namespace).withName(deployment).scale();
      if (scale == null || scale.getSpec() == null) {
        throw new ScalingFailure(ScalingFailure.NOT_FOUND, "deployment " + namespace + "/" + deployment
            + " does not exist", null);
      }
      Integer replicas = scale.getSpec().getReplicas();
      return new ScaleTarget(namespace, deployment, null, replicas == null ? 0 : replicas, 0, null);
    });
  }

  /** Sets the target to {@code replicas}; an HPA's minimum goes back to its own (and loses the annotation) there. */
  public void set(ScaleTarget target, int replicas) {
    call(target.namespace(), target.deployment(), () -> {
      if (!target.viaHpa()) {
        // through the scale subresource (GET then PUT of the Scale), never a write of the Deployment itself
        var deployment = client.apps().deployments().inNamespace(target.namespace()).withName(target.deployment());
        deployment.scale(new ScaleBuilder(deployment.scale()).editMetadata().withResourceVersion(null).endMetadata()
            .editSpec().withReplicas(replicas).endSpec().build());
        return null;
      }
      int own = target.floor();
      client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(target.namespace()).withName(target.hpa())
          .edit(h -> {
            HorizontalPodAutoscalerBuilder edited = new HorizontalPodAutoscalerBuilder(h).editSpec()
                .withMinReplicas(replicas).endSpec();
            if (replicas <= own) {
              return edited.editMetadata().removeFromAnnotations(RESTORE_ANNOTATION).endMetadata().build();
            }
            return edited.editMetadata().addToAnnotations(RESTORE_ANNOTATION, Integer.toString(own)).endMetadata()
                .build();
          });
      return null;
    });
  }

  private Optional<HorizontalPodAutoscaler> hpaOf(String namespace, String deployment) {
    return client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace).list().getItems().stream()
        .filter(h -> h.getSpec() != null && h.getSpec().getScaleTargetRef() != null
            && "Deployment".equals(h.getSpec().getScaleTargetRef().getKind())
            && deployment.equals(h.getSpec().getScaleTargetRef().getName()))
        .findFirst();
  }

  private static <T> T call(String namespace, String deployment, Supplier<T> body) {
    try {
      return body.get();
    } catch (KubernetesClientException e) {
      String what = namespace + "/" + deployment;
      if (e.getCode() == 404) {
        throw new ScalingFailure(ScalingFailure.NOT_FOUND, "deployment " + what + " does not exist", e);
      }
      if (e.getCode() == 403) {
        throw new ScalingFailure(ScalingFailure.FORBIDDEN, "the service account may not scale " + what
            + " (deploy/kubernetes/scaling-service-rbac.yaml grants it)", e);
      }
      throw new ScalingFailure(ScalingFailure.API_UNAVAILABLE, "the Kubernetes API did not answer a call on " + what
          + " after its retries (" + (e.getCode() == 0 ? "no answer" : "HTTP " + e.getCode()) + ")", e);
    }
  }
}
