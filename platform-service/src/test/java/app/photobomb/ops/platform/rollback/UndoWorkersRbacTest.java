package app.photobomb.ops.platform.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.DeploymentRollbackRequested;
import app.photobomb.ops.platform.KubernetesRole;
import app.photobomb.ops.platform.saga.StepContext;
import app.photobomb.ops.platform.saga.StepContexts;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The rollback's Kubernetes calls (choose, undo, roll forward) are the ones the platform-service's Role grants. */
@EnableKubernetesMockClient(crud = true, https = false)
class UndoWorkersRbacTest {

  private static final String NAMESPACE = "photobomb";
  private static final String WORKER = "thumbnail-worker";

  static KubernetesMockServer server;
  static KubernetesClient client;

  @Test
  void rollbackOfAWorkerMakesOnlyTheCallsTheRoleGrants() throws Exception {
    Deployment deployment = client.apps().deployments().inNamespace(NAMESPACE).resource(deployment("1.2.0"))
        .create();
    for (int revision = 1; revision <= 2; revision++) {
      client.apps().replicaSets().inNamespace(NAMESPACE).resource(new ReplicaSetBuilder()
          .withNewMetadata().withName(WORKER + "-rs" + revision).addToAnnotations(UndoWorkers.REVISION, "" + revision)
          .addNewOwnerReference().withKind("Deployment").withName(WORKER).withUid(deployment.getMetadata().getUid())
          .withApiVersion("apps/v1").endOwnerReference().endMetadata()
          .withNewSpec().withTemplate(deployment("1." + revision + ".0").getSpec().getTemplate()).endSpec().build())
          .create();
    }
    KubernetesRole.calls(server);
    UndoWorkers step = new UndoWorkers(client, NAMESPACE, new DeploymentRollbackRequested(UUID.randomUUID(), null,
        List.of(WORKER), 0, false, true, "rbac test", "test"));
    StepContext context = StepContexts.fresh();

    step.run(context);
    step.run(context);
    assertThat(image()).as("rolled back").isEqualTo("photobomb/worker:1.1.0");
    step.undo(context);
    assertThat(image()).as("rolled forward").isEqualTo("photobomb/worker:1.2.0");

    List<KubernetesRole.Call> calls = KubernetesRole.calls(server);
    KubernetesRole role = KubernetesRole.platformService();
    assertThat(calls).isNotEmpty().allSatisfy(call -> assertThat(role.allows(call)).as(call + " allowed").isTrue());
    assertThat(role.rule("apps", "replicasets").getVerbs()).as("replicasets verbs, no more than used")
        .containsExactlyInAnyOrderElementsOf(verbs(calls, "replicasets"));
    assertThat(role.rule("apps", "deployments").getVerbs()).as("deployments verbs, no more than used")
        .containsExactlyInAnyOrderElementsOf(verbs(calls, "deployments"));
  }

  private static Set<String> verbs(List<KubernetesRole.Call> calls, String resource) {
    return calls.stream().filter(call -> call.resource().equals(resource)).map(KubernetesRole.Call::verb)
        .collect(Collectors.toSet());
  }

  private static String image() {
    return client.apps().deployments().inNamespace(NAMESPACE).withName(WORKER).get().getSpec().getTemplate()
        .getSpec().getContainers().get(0).getImage();
  }

  private static Deployment deployment(String release) {
    return new DeploymentBuilder().withNewMetadata().withName(WORKER).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels("app", WORKER).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", WORKER).endMetadata()
        .withNewSpec().addNewContainer().withName("worker").withImage("photobomb/worker:" + release).endContainer()
        .endSpec().endTemplate().endSpec().build();
  }
}
