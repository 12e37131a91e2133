package app.photobomb.ops.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/kubernetes, loaded with Fabric8's model and held against the code: ports, probes, the environment each
 * service reads and needs, secrets only by reference, a metrics Service and a PodDisruptionBudget per Deployment,
 * service accounts only where the code calls the Kubernetes API, and the outbox connector equal to Kafka Connect's.
 * The Roles' verbs against the calls are checked where the calling code is: scaling-service's and
 * platform-service's own KubernetesManifestsTest / KubernetesRbacTest.
 */
class KubernetesManifestsTest {

  private static final Path MANIFESTS = ServiceSettings.ROOT.resolve("deploy/kubernetes");
  private static final String NAMESPACE = "photobomb";
  private static final String PORT_NAME = "http";
  /** Every service's; the thumbnail-worker consumes and publishes no Kafka topic. */
  private static final List<String> DATABASE_ENVIRONMENT = List.of("SPRING_DATASOURCE_URL",
      "SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD", "SPRING_FLYWAY_USER", "SPRING_FLYWAY_PASSWORD");
  private static final List<String> KAFKA_ENVIRONMENT =
      List.of("SPRING_KAFKA_BOOTSTRAP_SERVERS", "PHOTOBOMB_MESSAGING_TOPIC_PREFIX");
  /** What a store needs besides its defaults (photobomb.storage.b2.*, r2.*, gcs.*). */
  private static final Map<String, List<String>> STORE_ENVIRONMENT = Map.of(
      "b2", List.of("PHOTOBOMB_STORAGE_B2_APPLICATION_KEY_ID", "PHOTOBOMB_STORAGE_B2_APPLICATION_KEY"),
      "r2", List.of("PHOTOBOMB_STORAGE_R2_ENDPOINT", "PHOTOBOMB_STORAGE_R2_ACCESS_KEY_ID",
          "PHOTOBOMB_STORAGE_R2_SECRET_ACCESS_KEY"),
      "gcs", List.of("PHOTOBOMB_STORAGE_GCS_PROJECT_ID"));
  /** Settings whose code defaults are blank, so that the service cannot do its work without them. */
  private static final Map<String, List<String>> BLANK_BY_DEFAULT = Map.of(
      "cdn-service", List.of("PHOTOBOMB_CDN_CLOUDFLARE_API_TOKEN", "PHOTOBOMB_CDN_CLOUDFLARE_ZONE_ID"),
      "platform-service", List.of("PHOTOBOMB_PLATFORM_ROTATION_B2_ADMIN_KEY_ID",
          "PHOTOBOMB_PLATFORM_ROTATION_B2_ADMIN_KEY", "PHOTOBOMB_PLATFORM_ROTATION_CLOUDFLARE_ADMIN_TOKEN",
          "PHOTOBOMB_PLATFORM_ROTATION_CLOUDFLARE_ZONE_ID", "PHOTOBOMB_PLATFORM_RESTORE_JDBC_PASSWORD",
          "PHOTOBOMB_PLATFORM_DATABASE_VERIFY_PASSWORD"));
  private static final Pattern SECRET_NAME =
      Pattern.compile(".*(PASSWORD|SECRET|TOKEN|_KEY|_KEY_ID|CREDENTIALS).*");
  /** A long run of letters and digits (a key, a token) without the dots and colons of hosts and durations. */
  private static final Pattern SECRET_VALUE = Pattern.compile("(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9+/=_-]{20,}");

  private static KubernetesClient client;
  private static Map<Path, List<HasMetadata>> manifests;

  @BeforeAll
  static void load() throws IOException {
    client = new KubernetesClientBuilder().build();
    manifests = new HashMap<>();
    try (Stream<Path> files = Files.list(MANIFESTS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml"))
          .filter(f -> !f.getFileName().toString().equals("kustomization.yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          manifests.put(file, client.load(in).items());
        }
      }
    }
  }

  @AfterAll
  static void close() {
    client.close();
  }

  @Test
  void everyServiceHasItsFileWithADeploymentOnItsPortAndManagementProbes() {
    Map<String, Object> defaults = ServiceSettings.flatten(
        ServiceSettings.yaml(ServiceSettings.ROOT.resolve("common/src/main/resources/photobomb-service-defaults.yml")));
    assertThat(defaults).containsEntry("management.endpoint.health.probes.enabled", true);
    String health = ("/" + defaults.get("management.endpoints.web.base-path") + "/"
        + defaults.get("management.endpoints.web.path-mapping.health")).replaceAll("/+", "/");

    for (String module : ServiceSettings.SERVICE_MODULES) {
      Container container = container(deployment(module));
      int port = Integer.parseInt(ServiceSettings.of(module).serverPort());
      assertThat(container.getPorts()).as(module + " container ports").singleElement().satisfies(p -> {
        assertThat(p.getName()).isEqualTo(PORT_NAME);
        assertThat(p.getContainerPort()).isEqualTo(port);
      });
      assertThat(container.getImage()).as(module + " image").startsWith("photobomb-ops/" + module + ":");
      assertProbe(module + " liveness", container.getLivenessProbe(), health + "/liveness");
      assertProbe(module + " readiness", container.getReadinessProbe(), health + "/readiness");
      assertProbe(module + " startup", container.getStartupProbe(), health + "/liveness");
      assertThat(container.getResources().getRequests()).as(module + " requests").containsKeys("cpu", "memory");
      assertThat(container.getResources().getLimits()).as(module + " limits").containsKey("memory");
    }
  }

  @Test
  void everyDeploymentHasAMetricsServiceOnItsPortAndADisruptionBudget() {
    for (Deployment deployment : all(Deployment.class)) {
      String name = deployment.getMetadata().getName();
      Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
      assertThat(deployment.getSpec().getSelector().getMatchLabels()).as(name + " selector")
          .isNotEmpty().isEqualTo(labels);
      int port = container(deployment).getPorts().get(0).getContainerPort();

      Service service = named(Service.class, name);
      assertThat(service.getSpec().getSelector()).as(name + " Service selector").isEqualTo(labels);
      assertThat(service.getSpec().getPorts()).as(name + " Service ports").singleElement().satisfies(p -> {
        assertThat(p.getPort()).isEqualTo(port);
        assertThat(p.getTargetPort()).isEqualTo(new IntOrString(PORT_NAME));
      });
      assertThat(service.getMetadata().getAnnotations()).as(name + " scrape annotations")
          .containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/path", "/prometheus")
          .containsEntry("prometheus.io/port", String.valueOf(port));

      PodDisruptionBudget budget = named(PodDisruptionBudget.class, name);
      assertThat(budget.getSpec().getSelector().getMatchLabels()).as(name + " PDB selector").isEqualTo(labels);
      assertThat(budget.getSpec().getMaxUnavailable()).as(name + " PDB").isEqualTo(new IntOrString(1));
    }
  }

  @Test
  void everyVariableADeploymentSetsIsOneItsServiceReads() {
    for (String module : ServiceSettings.SERVICE_MODULES) {
      ServiceSettings settings = ServiceSettings.of(module);
      assertThat(environment(module).keySet()).as(module + " environment variables the service reads")
          .allSatisfy(name -> assertThat(settings.reads(name)).as(name + " binds a setting of " + module).isTrue());
    }
  }

  @Test
  void everyDeploymentSetsWhatItsServiceNeedsInProduction() {
    for (String module : ServiceSettings.SERVICE_MODULES) {
      ServiceSettings settings = ServiceSettings.of(module);
      Map<String, EnvVar> environment = environment(module);
      Set<String> required = new LinkedHashSet<>(DATABASE_ENVIRONMENT);
      if (!module.equals("thumbnail-worker")) {
        required.addAll(KAFKA_ENVIRONMENT);
      }
      if (settings.dependsOn("spring-boot-starter-data-redis")) {
        required.add("SPRING_DATA_REDIS_HOST");
      }
      if (settings.dependsOn("object-storage")) {
        // the default store is the laptop's directory
        required.add("PHOTOBOMB_STORAGE_PRIMARY");
        assertThat(value(environment, "PHOTOBOMB_STORAGE_PRIMARY")).as(module + " store").isNotEqualTo("local");
        for (String store : storesOf(settings, environment)) {
          required.addAll(STORE_ENVIRONMENT.getOrDefault(store, List.of()));
        }
      }
      required.addAll(BLANK_BY_DEFAULT.getOrDefault(module, List.of()));
      assertThat(environment).as(module + " environment").containsKeys(required.toArray(String[]::new));
    }
  }

  @Test
  void secretsComeOnlyFromSecretReferences() {
    for (Deployment deployment : all(Deployment.class)) {
      for (EnvVar variable : container(deployment).getEnv()) {
        String what = deployment.getMetadata().getName() + " " + variable.getName();
        if (SECRET_NAME.matcher(variable.getName()).matches()) {
          assertThat(variable.getValue()).as(what + " value").isNull();
          assertThat(variable.getValueFrom()).as(what + " valueFrom").isNotNull();
          assertThat(variable.getValueFrom().getSecretKeyRef()).as(what + " secretKeyRef").isNotNull();
        } else if (variable.getValue() != null) {
          assertThat(variable.getValue()).as(what + " looks like a secret").doesNotMatch(SECRET_VALUE);
        } else {
          assertThat(variable.getValueFrom().getConfigMapKeyRef() != null
              || variable.getValueFrom().getSecretKeyRef() != null).as(what + " from a ConfigMap or Secret").isTrue();
        }
      }
    }
  }

  @Test
  void theReadmeNamesEveryConfigMapKeyAndSecretTheManifestsReference() throws IOException {
    String readme = Files.readString(MANIFESTS.resolve("README.md"));
    List<String> references = new ArrayList<>();
    for (Deployment deployment : all(Deployment.class)) {
      deployment.getSpec().getTemplate().getSpec().getContainers().forEach(c -> c.getEnv().stream()
          .filter(e -> e.getValueFrom() != null).forEach(e -> {
            if (e.getValueFrom().getConfigMapKeyRef() != null) {
              references.add(e.getValueFrom().getConfigMapKeyRef().getKey());
            } else if (e.getValueFrom().getSecretKeyRef() != null) {
              references.add(e.getValueFrom().getSecretKeyRef().getName());
            }
          }));
    }
    assertThat(references).isNotEmpty().allSatisfy(name -> assertThat(readme).contains("`" + name + "`"));
  }

  @Test
  void onlyServicesThatCallTheKubernetesApiHaveAnAccountToken() {
    for (String module : ServiceSettings.SERVICE_MODULES) {
      Deployment deployment = deployment(module);
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      String account = pod.getServiceAccountName();
      Path file = MANIFESTS.resolve(module + ".yaml");
      if (ServiceSettings.of(module).dependsOn("kubernetes-client")) {
        assertThat(account).as(module + " service account").isEqualTo(module);
        assertThat(one(file, ServiceAccount.class).getMetadata().getName()).isEqualTo(account);
        Role role = one(file, Role.class);
        RoleBinding binding = one(file, RoleBinding.class);
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
          assertThat(subject.getKind()).isEqualTo("ServiceAccount");
          assertThat(subject.getName()).isEqualTo(account);
          assertThat(subject.getNamespace()).isEqualTo(NAMESPACE);
        });
        assertThat(role.getRules()).allSatisfy(rule -> {
          assertThat(rule.getResources()).doesNotContain("*");
          assertThat(rule.getVerbs()).doesNotContain("*", "delete", "deletecollection", "create", "escalate", "bind");
        });
      } else {
        // a ServiceAccount of its own is there only for Workload Identity, without a token
        boolean mounted = account == null ? !Boolean.FALSE.equals(pod.getAutomountServiceAccountToken())
            : !Boolean.FALSE.equals(one(file, ServiceAccount.class).getAutomountServiceAccountToken())
                && !Boolean.FALSE.equals(pod.getAutomountServiceAccountToken());
        assertThat(mounted).as(module + " mounts a service account token").isFalse();
        assertThat(items(file)).as(module + " RBAC").noneMatch(item -> item instanceof Role
            || item instanceof RoleBinding);
      }
    }
  }

  @Test
  void everyObjectIsInThePhotobombNamespaceAndTheKustomizationListsEveryFile() {
    manifests.values().stream().flatMap(List::stream).forEach(item -> assertThat(item.getMetadata().getNamespace())
        .as(item.getKind() + " " + item.getMetadata().getName()).isEqualTo(NAMESPACE));
    Map<String, Object> kustomization = ServiceSettings.yaml(MANIFESTS.resolve("kustomization.yaml"));
    assertThat(kustomization.get("resources")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .containsExactlyInAnyOrderElementsOf(manifests.keySet().stream().map(f -> f.getFileName().toString()).toList());
  }

  @Test
  void outboxConnectorConfigMapIsKafkaConnectsConnectorAndTheJobRegistersIt() {
    Path file = MANIFESTS.resolve("outbox-connector.yaml");
    ConfigMap configMap = one(file, ConfigMap.class);
    Map<String, Object> ours = ServiceSettings.map(new Yaml().load(configMap.getData().get("outbox-connector.json")));
    Map<String, Object> connect = ServiceSettings.yaml(ServiceSettings.ROOT.resolve(
        "deploy/kafka-connect/outbox-connector.json"));
    assertThat(ours).isEqualTo(connect);

    Job job = one(file, Job.class);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes()).singleElement()
        .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo(configMap.getMetadata().getName()));
    String script = String.join("\n", pod.getContainers().get(0).getArgs());
    assertThat(script).contains("/connectors/" + connect.get("name") + "/config", "-X PUT", "database.hostname");
  }

  private static void assertProbe(String what, Probe probe, String path) {
    assertThat(probe).as(what).isNotNull();
    assertThat(probe.getHttpGet().getPath()).as(what + " path").isEqualTo(path);
    assertThat(probe.getHttpGet().getPort()).as(what + " port").isEqualTo(new IntOrString(PORT_NAME));
  }

  /** The stores a Deployment's service uses: primary, fallback, exports and the worker's migration target. */
  private static Set<String> storesOf(ServiceSettings settings, Map<String, EnvVar> environment) {
    Set<String> stores = new LinkedHashSet<>();
    for (String variable : List.of("PHOTOBOMB_STORAGE_PRIMARY", "PHOTOBOMB_STORAGE_FALLBACK",
        "PHOTOBOMB_STORAGE_EXPORTS")) {
      stores.add(value(environment, variable));
    }
    Object target = settings.property("photobomb.worker.migration-target");
    stores.add(environment.containsKey("PHOTOBOMB_WORKER_MIGRATION_TARGET")
        ? value(environment, "PHOTOBOMB_WORKER_MIGRATION_TARGET") : Objects.toString(target, null));
    stores.remove(null);
    return stores;
  }

  private static String value(Map<String, EnvVar> environment, String name) {
    EnvVar variable = environment.get(name);
    return variable == null ? null : variable.getValue();
  }

  private static Map<String, EnvVar> environment(String module) {
    Map<String, EnvVar> environment = new HashMap<>();
    for (EnvVar variable : container(deployment(module)).getEnv()) {
      assertThat(environment.put(variable.getName(), variable)).as(module + " sets " + variable.getName() + " once")
          .isNull();
    }
    return environment;
  }

  private static Deployment deployment(String module) {
    Deployment deployment = one(MANIFESTS.resolve(module + ".yaml"), Deployment.class);
    assertThat(deployment.getMetadata().getName()).isEqualTo(module);
    return deployment;
  }

  private static Container container(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).as(deployment.getMetadata().getName() + " containers").hasSize(1);
    return containers.get(0);
  }

  private static List<HasMetadata> items(Path file) {
    assertThat(manifests).as("manifests").containsKey(file);
    return manifests.get(file);
  }

  private static <T extends HasMetadata> T one(Path file, Class<T> type) {
    List<T> found = items(file).stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(file.getFileName() + " " + type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  private static <T extends HasMetadata> List<T> all(Class<T> type) {
    return manifests.values().stream().flatMap(List::stream).filter(type::isInstance).map(type::cast).toList();
  }

  private static <T extends HasMetadata> T named(Class<T> type, String name) {
    List<T> found = all(type).stream().filter(item -> item.getMetadata().getName().equals(name)).toList();
    assertThat(found).as(type.getSimpleName() + " " + name).hasSize(1);
    return found.get(0);
  }
}
