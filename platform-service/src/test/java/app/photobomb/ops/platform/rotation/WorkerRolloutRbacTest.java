package app.photobomb.ops.platform.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.platform.KubernetesRole;
import app.photobomb.ops.platform.kubernetes.KubernetesProperties;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The rotation's Kubernetes calls (the workers' Secret, their rollout restart) are the ones the Role grants. */
@EnableKubernetesMockClient(crud = true, https = false)
class WorkerRolloutRbacTest {

  private static final String NAMESPACE = "photobomb";

  static KubernetesMockServer server;
  static KubernetesClient client;

  @Test
  void rotationOfTheWorkersSecretMakesOnlyTheCallsTheRoleGrants() throws Exception {
    RotationProperties properties = new Binder(new MapConfigurationPropertySource(Map.of()))
        .bindOrCreate("photobomb.platform.rotation", RotationProperties.class);
    client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata()
        .withName(properties.workers().secret()).endMetadata().addToData("DATABASE_USER", "b2xk").build()).create();
    for (String worker : properties.workers().deployments()) {
      client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder().withNewMetadata()
          .withName(worker).endMetadata().withNewSpec().withReplicas(1).withNewTemplate().withNewSpec()
          .addNewContainer().withName("worker").withImage("photobomb/worker:1").endContainer().endSpec()
          .endTemplate().endSpec().build()).create();
    }
    KubernetesRole.calls(server);
    WorkerRollout rollout = new WorkerRollout(client, new KubernetesProperties("", NAMESPACE), properties);

    assertThat(rollout.updateSecret(Map.of("DATABASE_USER", "photobomb_app_b"))).isTrue();
    for (String worker : properties.workers().deployments()) {
      assertThat(rollout.restart(worker, "2026-12-02T00:00:00Z")).isNotNegative();
      rollout.notRolledOut(worker, 1);
    }

    List<KubernetesRole.Call> calls = KubernetesRole.calls(server);
    KubernetesRole role = KubernetesRole.platformService();
    assertThat(calls).isNotEmpty().allSatisfy(call -> assertThat(role.allows(call)).as(call + " allowed").isTrue());
    assertThat(role.rule("", "secrets").getVerbs()).as("secrets verbs, no more than used")
        .containsExactlyInAnyOrderElementsOf(verbs(calls, "secrets"));
    assertThat(role.rule("", "secrets").getResourceNames()).containsExactly(properties.workers().secret());
    assertThat(role.rule("apps", "deployments").getResourceNames())
        .containsExactlyInAnyOrderElementsOf(properties.workers().deployments());
  }

  private static Set<String> verbs(List<KubernetesRole.Call> calls, String resource) {
    return calls.stream().filter(call -> call.resource().equals(resource)).map(KubernetesRole.Call::verb)
        .collect(Collectors.toSet());
  }
}
