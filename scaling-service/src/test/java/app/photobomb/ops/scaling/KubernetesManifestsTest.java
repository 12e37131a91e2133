package app.photobomb.ops.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.scaling.config.ScalingProperties;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/** deploy/kubernetes/scaling-service.yaml, loaded with Fabric8's model and held against the code's settings. */
class KubernetesManifestsTest {

  private static final Path MANIFEST = Path.of("..", "deploy", "kubernetes", "scaling-service.yaml");

  private static final Path WORKER_MANIFEST = Path.of("..", "deploy", "kubernetes", "thumbnail-worker.yaml");
  private static final Path WORKER_DEFAULTS =
      Path.of("..", "thumbnail-worker", "src", "main", "resources", "thumbnail-worker.yml");

  private final List<HasMetadata> items = load(MANIFEST);

  @Test
  void roleGrantsOnlyTheScaleSubresourceAndHpasInThePhotobombNamespace() {
    Role role = one(Role.class);
    assertThat(role.getMetadata().getNamespace()).isEqualTo(defaults().getProperty("photobomb.scaling.policies[0].namespace"));
    assertThat(role.getRules()).hasSize(2);
    PolicyRule scale = rule(role, "deployments/scale");
    assertThat(scale.getApiGroups()).containsExactly("apps");
    // WorkerDeployments reads the Scale and writes it back (PUT: update); HPAs are listed, read and patched
    assertThat(scale.getVerbs()).containsExactlyInAnyOrder("get", "update");
    PolicyRule hpas = rule(role, "horizontalpodautoscalers");
    assertThat(hpas.getApiGroups()).containsExactly("autoscaling");
    assertThat(hpas.getVerbs()).containsExactlyInAnyOrder("get", "list", "patch");
    assertThat(role.getRules()).allSatisfy(rule -> {
      assertThat(rule.getResources()).doesNotContain("*", "deployments");
      assertThat(rule.getVerbs()).doesNotContain("*", "delete", "create");
    });
  }

  @Test
  void roleBindingGivesTheRoleToTheDeploymentsServiceAccount() {
    RoleBinding binding = one(RoleBinding.class);
    Deployment deployment = one(Deployment.class);
    String account = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
    assertThat(one(ServiceAccount.class).getMetadata().getName()).isEqualTo(account);
    assertThat(binding.getRoleRef().getName()).isEqualTo(one(Role.class).getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
      assertThat(subject.getKind()).isEqualTo("ServiceAccount");
      assertThat(subject.getName()).isEqualTo(account);
      assertThat(subject.getNamespace()).isEqualTo(deployment.getMetadata().getNamespace());
    });
  }

  @Test
  void deploymentUsesTheServicesPortProbesAndSettings() {
    var container = one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getPorts().get(0).getContainerPort())
        .isEqualTo(Integer.valueOf(defaults().getProperty("server.port")));
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz/readiness");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz/liveness");
    Set<String> settings = Arrays.stream(ScalingProperties.class.getRecordComponents())
        .map(c -> c.getName().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    List<String> ours = container.getEnv().stream().map(EnvVar::getName)
        .filter(name -> name.startsWith("PHOTOBOMB_SCALING_")).toList();
    assertThat(ours).isNotEmpty().allSatisfy(name -> assertThat(settings)
        .contains(name.substring("PHOTOBOMB_SCALING_".length()).replace("_", "").toLowerCase(Locale.ROOT)));
  }

  @Test
  void thumbnailWorkerOutlastsItsShutdownGraceAndItsHpaCoversTheInteractivePolicy() {
    List<HasMetadata> worker = load(WORKER_MANIFEST);
    Deployment deployment = one(worker, Deployment.class);
    var pod = deployment.getSpec().getTemplate().getSpec();
    // the container's setting, else the worker's default (its yml)
    String grace = pod.getContainers().get(0).getEnv().stream()
        .filter(env -> env.getName().equals("PHOTOBOMB_WORKER_SHUTDOWN_GRACE")).map(EnvVar::getValue).findFirst()
        .orElseGet(() -> yaml(new FileSystemResource(WORKER_DEFAULTS))
            .getProperty("photobomb.worker.shutdown-grace"));
    assertThat(Duration.ofSeconds(pod.getTerminationGracePeriodSeconds()))
        .isGreaterThan(DurationStyle.detectAndParse(grace));
    HorizontalPodAutoscaler hpa = one(worker, HorizontalPodAutoscaler.class);
    assertThat(hpa.getMetadata().getName()).isEqualTo("thumbnail-worker-hpa");
    assertThat(hpa.getMetadata().getNamespace()).isEqualTo(deployment.getMetadata().getNamespace());
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName())
        .isEqualTo(defaults().getProperty("photobomb.scaling.policies[0].deployment"));
    assertThat(defaults().getProperty("photobomb.scaling.policies[0].queue")).isEqualTo("high_priority_queue");
    assertThat(hpa.getSpec().getMaxReplicas())
        .isGreaterThanOrEqualTo(Integer.valueOf(defaults().getProperty("photobomb.scaling.policies[0].max-replicas")));
  }

  private <T extends HasMetadata> T one(Class<T> type) {
    return one(items, type);
  }

  private static <T extends HasMetadata> T one(List<HasMetadata> items, Class<T> type) {
    List<T> found = items.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  private static PolicyRule rule(Role role, String resource) {
    return role.getRules().stream().filter(r -> r.getResources().contains(resource)).findFirst().orElseThrow();
  }

  private static Properties defaults() {
    return yaml(new ClassPathResource(ScalingServiceApplication.CONFIG_NAME + ".yml"));
  }

  private static Properties yaml(Resource resource) {
    YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
    yaml.setResources(resource);
    return yaml.getObject();
  }

  private static List<HasMetadata> load(Path manifest) {
    try (KubernetesClient client = new KubernetesClientBuilder().build();
        InputStream in = Files.newInputStream(manifest)) {
      return client.load(in).items();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot read " + manifest, e);
    }
  }
}
