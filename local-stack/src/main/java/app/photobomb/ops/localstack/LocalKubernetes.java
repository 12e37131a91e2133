package app.photobomb.ops.localstack;

import app.photobomb.ops.testsupport.DurableServers;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stand-in of the Kubernetes API: Fabric8's mock server in CRUD mode (plain HTTP on loopback), holding the
 * worker deployments of namespace {@code photobomb} at the runbook's minimum of 3 replicas, each with the ReplicaSets of
 * its last two releases (so that a rollback has one to go back to), and the workers' Secret once it is seeded. A small
 * controller plays the deployment controller and the kubelet: a changed deployment (restarted, scaled, undone) is
 * rolled out within a moment, all its replicas updated and available. Its state is in memory only: every start
 * begins with those deployments again.
 */
final class LocalKubernetes implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalKubernetes.class);
  static final String NAMESPACE = "photobomb";
  static final String THUMBNAIL_WORKER = "thumbnail-worker";
  static final List<String> DEPLOYMENTS = List.of(THUMBNAIL_WORKER, "face-worker");
  /** The runbook's minimum (task 3: "back to 3 after the spike"). */
  static final int MIN_REPLICAS = 3;
  /** The workers' releases, oldest first: each has its ReplicaSet, the last one runs. */
  static final List<String> RELEASES = List.of("1.1.0", "1.2.0");
  private static final String REVISION = "deployment.kubernetes.io/revision";

  private final KubernetesMockServer server;
  private final MockWebServer web;
  private final ScheduledExecutorService janitor;
  private final KubernetesClient client;

  private LocalKubernetes(KubernetesMockServer server, MockWebServer web, ScheduledExecutorService janitor) {
    this.server = server;
    this.web = web;
    this.janitor = janitor;
    this.client = server.createClient();
  }

  /** Starts the server on {@code port} (0: any free port) and creates the deployments. */
  static LocalKubernetes start(int port) {
    MockWebServer web = new MockWebServer();
    KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), web,
        new HashMap<>(), new KubernetesMixedDispatcher(new HashMap<>()), false);
    server.init(InetAddress.getLoopbackAddress(), port);
    // the controller's passes; and the mock server records every request for tests to take, which a stack that runs
    // for days must not keep
    ScheduledExecutorService janitor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "kubernetes-stand-in");
      thread.setDaemon(true);
      return thread;
    });
    janitor.scheduleWithFixedDelay(web::reset, 1, 1, TimeUnit.MINUTES);
    LocalKubernetes kubernetes = new LocalKubernetes(server, web, janitor);
    try {
      for (String name : DEPLOYMENTS) {
        Deployment created = kubernetes.client.apps().deployments().inNamespace(NAMESPACE).resource(deployment(name))
            .create();
        for (int revision = 1; revision <= RELEASES.size(); revision++) {
          kubernetes.client.apps().replicaSets().inNamespace(NAMESPACE).resource(replicaSet(created, revision))
              .create();
        }
      }
      kubernetes.rollOut();
    } catch (RuntimeException e) {
      kubernetes.close();
      throw e;
    }
    janitor.scheduleWithFixedDelay(kubernetes::rollOutQuietly, 500, 500, TimeUnit.MILLISECONDS);
    return kubernetes;
  }

  /** Creates (or replaces) a Secret of namespace {@code photobomb} with these entries. */
  void seedSecret(String name, Map<String, String> entries) {
    Map<String, String> data = new LinkedHashMap<>();
    entries.forEach((key, value) -> data.put(key, Base64.getEncoder().encodeToString(
        value.getBytes(StandardCharsets.UTF_8))));
    client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName(name)
        .withNamespace(NAMESPACE).endMetadata().withData(data).build()).createOr(NonDeletingOperation::update);
  }

  /** The deployment controller and kubelet: each deployment whose status lags its spec gets all replicas ready. */
  private void rollOut() {
    for (Deployment deployment : client.apps().deployments().inNamespace(NAMESPACE).list().getItems()) {
      long generation = Objects.requireNonNullElse(deployment.getMetadata().getGeneration(), 1L);
      int replicas = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
      DeploymentStatus status = deployment.getStatus();
      if (status == null || status.getObservedGeneration() == null || status.getObservedGeneration() < generation
          || !Objects.equals(status.getReplicas(), replicas)) {
        client.apps().deployments().inNamespace(NAMESPACE).withName(deployment.getMetadata().getName())
            .editStatus(current -> {
              current.setStatus(new DeploymentStatusBuilder().withObservedGeneration(generation)
                  .withReplicas(replicas).withUpdatedReplicas(replicas).withReadyReplicas(replicas)
                  .withAvailableReplicas(replicas).build());
              return current;
            });
      }
    }
  }

  private void rollOutQuietly() {
    try {
      rollOut();
    } catch (RuntimeException e) {
      // a deployment changed between the list and the edit: the next pass rolls it out
      log.debug("rollout pass: {}", e.toString());
    }
  }

  private static Deployment deployment(String name) {
    return new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).addToLabels("app", name)
        .addToAnnotations(REVISION, Integer.toString(RELEASES.size())).endMetadata()
        .withNewSpec().withReplicas(MIN_REPLICAS).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName(name).withImage(image(name, RELEASES.size())).endContainer()
        .endSpec().endTemplate().endSpec().build();
  }

  private static String image(String deployment, int revision) {
    return "photobomb/" + deployment + ":" + RELEASES.get(revision - 1);
  }

  /** The ReplicaSet a rollout of {@code revision} left, owned by the deployment (what a rollout undo goes back to). */
  private static ReplicaSet replicaSet(Deployment deployment, int revision) {
    String name = deployment.getMetadata().getName();
    String hash = "r" + revision;
    boolean current = revision == RELEASES.size();
    return new ReplicaSetBuilder()
        .withNewMetadata().withName(name + "-" + hash).withNamespace(NAMESPACE).addToLabels("app", name)
        .addToLabels("pod-template-hash", hash).addToAnnotations(REVISION, Integer.toString(revision))
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName(name)
        .withUid(deployment.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
        .withNewSpec().withReplicas(current ? MIN_REPLICAS : 0).withNewSelector().addToMatchLabels("app", name)
        .addToMatchLabels("pod-template-hash", hash).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).addToLabels("pod-template-hash", hash)
        .endMetadata().withNewSpec().addNewContainer().withName(name).withImage(image(name, revision)).endContainer()
        .endSpec().endTemplate().endSpec().build();
  }

  /** The API server's URL, e.g. http://127.0.0.1:8091. */
  String masterUrl() {
    return "http://" + DurableServers.LOOPBACK + ":" + web.getPort();
  }

  @Override
  public void close() {
    janitor.shutdownNow();
    client.close();
    server.destroy();
  }
}
