package app.photobomb.ops.localstack;

import app.photobomb.ops.thumbnail.worker.JobWorker;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the kubelet does for a deployment, for the local thumbnail-worker: one worker slot per replica of deployment
 * photobomb/thumbnail-worker in the local Kubernetes stand-in, followed by a Fabric8 informer (list, then watch).
 */
final class WorkerSlotsFollower implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WorkerSlotsFollower.class);

  private final KubernetesClient client;
  private final SharedIndexInformer<Deployment> informer;

  private WorkerSlotsFollower(KubernetesClient client, SharedIndexInformer<Deployment> informer) {
    this.client = client;
    this.informer = informer;
  }

  /** Resizes {@code worker} to the deployment's replicas now and whenever they change. */
  static WorkerSlotsFollower start(String masterUrl, JobWorker worker) {
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(Config.empty()).withMasterUrl(masterUrl).build()).build();
    try {
      SharedIndexInformer<Deployment> informer = client.apps().deployments().inNamespace(LocalKubernetes.NAMESPACE)
          .withName(LocalKubernetes.THUMBNAIL_WORKER).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment deployment) {
              follow(worker, deployment);
            }

            @Override
            public void onUpdate(Deployment before, Deployment deployment) {
              follow(worker, deployment);
            }

            @Override
            public void onDelete(Deployment deployment, boolean finalStateUnknown) {
              log.warn("deployment {}/{} was deleted; the worker keeps its {} slots", LocalKubernetes.NAMESPACE,
                  LocalKubernetes.THUMBNAIL_WORKER, worker.workerIds().size());
            }
          });
      return new WorkerSlotsFollower(client, informer);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private static void follow(JobWorker worker, Deployment deployment) {
    Integer replicas = deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
    // Kubernetes' default when a deployment names no replicas
    int slots = replicas == null ? 1 : replicas;
    int before = worker.resize(slots);
    if (before != slots) {
      log.info("{} -> {} slots (follows deployment {}/{})", before, slots, LocalKubernetes.NAMESPACE,
          LocalKubernetes.THUMBNAIL_WORKER);
    }
  }

  @Override
  public void close() {
    informer.close();
    client.close();
  }
}
