package app.photobomb.ops.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
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

  @Test
  void everyServiceModuleIsInComposeWithItsImagePortAndEnvironment() throws IOException {
    Map<String, Object> services = composeServices();
    String version = projectVersion();

    for (String module : SERVICE_MODULES) {
      assertThat(services).as("compose services").containsKey(module);
      Map<String, Object> service = map(services.get(module));
      assertThat(service.get("image")).as(module + " image").isEqualTo(imageName(module, version));
      String port = ServiceSettings.of(module).serverPort();
      assertThat(list(service.get("ports"))).as(module + " ports").contains(port + ":" + port);
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

  private static void assertEnvironment(String module, Map<String, Object> environment) {
    assertThat(environment).as(module + " environment")
        .containsKeys(REQUIRED_ENVIRONMENT.toArray(String[]::new));
    ServiceSettings settings = ServiceSettings.of(module);
    assertThat(environment.keySet()).as(module + " environment variables the service reads")
        .allSatisfy(key -> assertThat(SHARED_ENVIRONMENT.contains(key) || settings.reads(key))
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
