package app.photobomb.ops.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Keeps docker-compose.yml and the Kafka Connect connector in step with the modules they deploy. */
class DeploymentDescriptorsTest {

  private static final Path ROOT = ServiceSettings.ROOT;
  private static final List<String> SERVICE_MODULES = ServiceSettings.SERVICE_MODULES;
  private static final Set<String> REQUIRED_ENVIRONMENT = Set.of("SPRING_DATASOURCE_URL",
      "SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD", "SPRING_KAFKA_BOOTSTRAP_SERVERS",
      "PHOTOBOMB_MESSAGING_TOPIC_PREFIX");
  /** Compose gives every service the one shared environment (x-service-environment), Redis included. */
  private static final Set<String> SHARED_ENVIRONMENT = Set.of("SPRING_DATA_REDIS_URL");
  private static final Pattern PROJECT_VERSION =
      Pattern.compile("</parent>.*?<version>([^<]+)</version>", Pattern.DOTALL);
  private static final Pattern ARTIFACT_ID =
      Pattern.compile("</parent>.*?<artifactId>([^<]+)</artifactId>", Pattern.DOTALL);
  private static final Pattern IMAGE_NAME = Pattern.compile("<image>\\s*<name>([^<]+)</name>");

  /** Read by the images' health checker (Paketo's thc), not by Spring. */
  private static final Set<String> HEALTH_CHECKER_ENVIRONMENT = Set.of("THC_PORT", "THC_PATH", "THC_USE_LOOPBACK_ADDRESS");
  private static final List<String> SERVERS = List.of("kafka", "postgres", "redis", "kafka-connect");
  private static final String BIND_ADDRESS = "${PHOTOBOMB_BIND_ADDRESS:-127.0.0.1}";
  /** A release: at least major.minor, e.g. 17.11, 3.6.1.Final; never latest or a major version alone. */
  private static final Pattern RELEASE_TAG = Pattern.compile("\\d+\\.\\d+[\\w.-]*");
  /** The whole value is one variable with a local default, e.g. ${PHOTOBOMB_POSTGRES_PASSWORD:-photobomb}. */
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(PHOTOBOMB_\\w+):-([^}]*)}");

  @Test
  void everyServiceModuleIsInComposeWithItsImagePortAndEnvironment() throws IOException {
    Map<String, Object> services = composeServices();
    String version = projectVersion();

    for (String module : SERVICE_MODULES) {
      assertThat(services).as("compose services").containsKey(module);
      Map<String, Object> service = map(services.get(module));
      assertThat(service.get("image")).as(module + " image").isEqualTo(imageName(module, version));
      String port = ServiceSettings.of(module).serverPort();
      assertThat(publishedPorts(service)).as(module + " ports").contains(port + ":" + port);
      assertEnvironment(module, map(service.get("environment")));
    }
  }

  @Test
  void composeHasTheInfrastructureTheServicesNeed() throws IOException {
    Map<String, Object> services = composeServices();

    assertThat(services).containsKeys("kafka", "postgres", "redis", "kafka-connect");
    assertThat(String.valueOf(map(services.get("postgres")).get("command"))).as("postgres command")
        .contains("wal_level=logical");
    services.forEach((name, service) -> assertThat(services.keySet()).as(name + " depends_on")
        .containsAll(dependencies(map(service))));
  }

  @Test
  void kafkaConnectConnectorHasTheEmbeddedRelaysConfiguration() throws IOException {
    Properties relay = relayProperties();
    Map<String, Object> connector = ServiceSettings.yaml(ROOT.resolve("deploy/kafka-connect/outbox-connector.json"));
    Map<String, Object> config = map(connector.get("config"));

    assertThat(connector.get("name")).isEqualTo("photobomb-outbox");
    assertThat(relay.stringPropertyNames()).isNotEmpty();
    for (String key : relay.stringPropertyNames()) {
      assertThat(config).as("connector config").containsEntry(key, relay.getProperty(key));
    }
  }

  @Test
  void everyPublishedPortListensOnTheBindAddressWhichIsLoopbackUnlessSet() throws IOException {
    Map<String, Object> services = composeServices();

    services.forEach((name, service) -> {
      Object ports = map(service).get("ports");
      if (ports != null) {
        assertThat((List<?>) ports).as(name + " ports").isNotEmpty().allSatisfy(entry -> assertThat(map(entry))
            .as(name + " port " + entry).containsEntry("host_ip", BIND_ADDRESS));
      }
    });
    assertThat(envExampleDefaults()).as(".env.example").containsEntry("PHOTOBOMB_BIND_ADDRESS", "127.0.0.1");
  }

  @Test
  void everyImageIsPinnedToARelease() throws IOException {
    Map<String, Object> services = composeServices();

    services.forEach((name, service) -> {
      String image = String.valueOf(map(service).get("image"));
      int colon = image.lastIndexOf(':');
      assertThat(colon).as(name + " image " + image + " has a tag").isGreaterThan(image.lastIndexOf('/'));
      String tag = image.substring(colon + 1);
      if (!SERVICE_MODULES.contains(name)) {
        assertThat(tag).as(name + " image " + image).matches(RELEASE_TAG);
      }
    });
  }

  @Test
  void everyServiceChecksItsLivenessWithTheHealthCheckerItsImageIsBuiltWith() throws IOException {
    Map<String, Object> services = composeServices();
    String rootPom = Files.readString(ROOT.resolve("pom.xml"));
    Map<String, Object> defaults =
        ServiceSettings.flatten(ServiceSettings.yaml(ROOT.resolve("common/src/main/resources/photobomb-service-defaults.yml")));
    String liveness = defaults.get("management.endpoints.web.base-path") + ""
        + defaults.get("management.endpoints.web.path-mapping.health") + "/liveness";

    assertThat(rootPom).as("root pom: the health checker in every service image")
        .contains("<buildpack>urn:cnb:builder:paketo-buildpacks/java</buildpack>")
        .containsPattern("<buildpack>docker://docker.io/paketobuildpacks/health-checker:[^<]+</buildpack>")
        .contains("<BP_HEALTH_CHECKER_ENABLED>true</BP_HEALTH_CHECKER_ENABLED>");
    assertThat(defaults).containsEntry("management.endpoint.health.probes.enabled", true);
    assertThat(liveness).isEqualTo("/healthz/liveness");
    for (String module : SERVICE_MODULES) {
      Map<String, Object> service = map(services.get(module));
      assertThat(map(service.get("healthcheck")).get("test")).as(module + " healthcheck")
          .isEqualTo(List.of("CMD", "/workspace/health-check"));
      assertThat(map(service.get("environment"))).as(module + " health checker's settings")
          .containsEntry("THC_PORT", ServiceSettings.of(module).serverPort())
          .containsEntry("THC_PATH", liveness);
    }
  }

  @Test
  void everyServerIsHealthCheckedAndEveryServiceWaitsUntilItsServersAreHealthy() throws IOException {
    Map<String, Object> services = composeServices();

    for (String server : SERVERS) {
      assertThat(list(map(map(services.get(server)).get("healthcheck")).get("test"))).as(server + " healthcheck")
          .isNotEmpty();
    }
    for (String module : SERVICE_MODULES) {
      Map<String, Object> dependsOn = map(map(services.get(module)).get("depends_on"));
      boolean usesRedis =
          ownProperties(module).keySet().stream().anyMatch(key -> key.startsWith("spring.data.redis."));
      List<String> servers = usesRedis ? List.of("kafka", "postgres", "redis") : List.of("kafka", "postgres");
      for (String server : servers) {
        assertThat(dependsOn).as(module + " depends_on").containsKey(server);
        assertThat(map(dependsOn.get(server))).as(module + " waits for " + server)
            .containsEntry("condition", "service_healthy");
      }
    }
    Map<String, Object> connectInit = map(map(services.get("connect-init")).get("depends_on"));
    assertThat(map(connectInit.get("kafka-connect"))).as("connect-init waits for Kafka Connect")
        .containsEntry("condition", "service_healthy");
  }

  @Test
  void noPasswordIsWrittenIntoComposeButTakenFromItsVariables() throws IOException {
    Map<String, Object> compose = ServiceSettings.yaml(ROOT.resolve("docker-compose.yml"));
    Map<String, String> defaults = envExampleDefaults();

    map(compose.get("services")).forEach((name, service) -> {
      Object environment = map(service).get("environment");
      if (environment != null) {
        map(environment).forEach((key, value) -> {
          if (key.contains("PASSWORD") || key.endsWith("_AUTH")) {
            assertThat(String.valueOf(value)).as(name + " " + key).matches(VARIABLE);
          }
        });
      }
    });
    Map<String, Object> service = map(map(compose.get("services")).get("export-service"));
    assertThat(String.valueOf(map(service.get("environment")).get("SPRING_DATA_REDIS_URL")))
        .as("the services' Redis URL carries the Redis password")
        .isEqualTo("redis://:${PHOTOBOMB_REDIS_PASSWORD:-photobomb}@redis:6379");
    map(compose.get("configs")).forEach((name, config) -> assertThat(String.valueOf(map(config).get("content")))
        .as("config " + name).containsPattern(VARIABLE));
    Matcher variables = VARIABLE.matcher(Files.readString(ROOT.resolve("docker-compose.yml")));
    while (variables.find()) {
      assertThat(defaults).as(".env.example has the local default of " + variables.group(1))
          .containsEntry(variables.group(1), variables.group(2));
    }
  }

  private static void assertEnvironment(String module, Map<String, Object> environment) {
    assertThat(environment).as(module + " environment")
        .containsKeys(REQUIRED_ENVIRONMENT.toArray(String[]::new));
    ServiceSettings settings = ServiceSettings.of(module);
    assertThat(environment.keySet()).as(module + " environment variables the service reads")
        .allSatisfy(key -> assertThat(SHARED_ENVIRONMENT.contains(key) || HEALTH_CHECKER_ENVIRONMENT.contains(key) || settings.reads(key))
            .as(key + " binds a property of " + module).isTrue());
    String datasourceUrl = String.valueOf(environment.get("SPRING_DATASOURCE_URL"));
    assertThat(URI.create(datasourceUrl.substring("jdbc:".length())).getHost()).as(module + " database host")
        .isEqualTo("postgres");
    assertThat(environment.get("SPRING_KAFKA_BOOTSTRAP_SERVERS")).as(module + " Kafka").isEqualTo("kafka:9092");
  }

  private static String imageName(String module, String version) throws IOException {
    String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"));
    String artifactId = group(ARTIFACT_ID, pom, module + " artifactId");
    assertThat(artifactId).as(module + " artifactId").isEqualTo(module);
    return group(IMAGE_NAME, pom, module + " image name")
        .replace("${project.artifactId}", artifactId)
        .replace("${project.version}", version);
  }

  private static String projectVersion() throws IOException {
    return group(PROJECT_VERSION, Files.readString(ROOT.resolve("pom.xml")), "project version");
  }

  private static String group(Pattern pattern, String text, String what) {
    Matcher matcher = pattern.matcher(text);
    assertThat(matcher.find()).as(what + " found").isTrue();
    return matcher.group(1).trim();
  }

  private static Collection<String> dependencies(Map<String, Object> service) {
    Object dependsOn = service.get("depends_on");
    if (dependsOn == null) {
      return List.of();
    }
    return dependsOn instanceof Map<?, ?> conditions ? map(conditions).keySet() : list(dependsOn);
  }

  /** The module's own config file's keys, e.g. whether it configures Redis. */
  private static Map<String, Object> ownProperties(String module) {
    return ServiceSettings.flatten(
        ServiceSettings.yaml(ROOT.resolve(module).resolve("src/main/resources").resolve(module + ".yml")));
  }

  /** Published ports as {@code published:target}, from the long syntax (host_ip checked apart) or the short one. */
  private static List<String> publishedPorts(Map<String, Object> service) {
    return ((List<?>) service.get("ports")).stream()
        .map(entry -> entry instanceof Map<?, ?> port
            ? port.get("published") + ":" + port.get("target")
            : entry.toString())
        .toList();
  }

  /** The uncommented {@code NAME=value} lines of .env.example. */
  private static Map<String, String> envExampleDefaults() throws IOException {
    Map<String, String> defaults = new HashMap<>();
    for (String line : Files.readAllLines(ROOT.resolve(".env.example"))) {
      int equals = line.indexOf('=');
      if (!line.startsWith("#") && equals > 0) {
        defaults.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
      }
    }
    return defaults;
  }

  private static Properties relayProperties() throws IOException {
    Properties relay = new Properties();
    try (Reader reader = Files.newBufferedReader(
        ROOT.resolve("outbox-relay/src/main/resources/outbox-relay.properties"))) {
      relay.load(reader);
    }
    return relay;
  }

  private static Map<String, Object> composeServices() throws IOException {
    return map(ServiceSettings.yaml(ROOT.resolve("docker-compose.yml")).get("services"));
  }

  private static Map<String, Object> map(Object value) {
    return ServiceSettings.map(value);
  }

  @SuppressWarnings("unchecked")
  private static List<String> list(Object value) {
    assertThat(value).isInstanceOf(List.class);
    return (List<String>) value;
  }
}
