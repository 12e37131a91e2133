package app.photobomb.ops.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.yaml.snakeyaml.Yaml;

/**
 * What a service module reads from its environment, for the deployment descriptors' tests (docker-compose.yml,
 * deploy/kubernetes): the keys of its config files, the variables their placeholders name, and every property its
 * {@code @ConfigurationProperties} classes (its own, common's, and those of the modules and Spring Boot starters it
 * depends on) bind, by Spring's own relaxed binding of environment variables.
 */
final class ServiceSettings {

  /** Surefire runs in the module directory, so the repository root is its parent. */
  static final Path ROOT = Path.of("..");
  static final List<String> SERVICE_MODULES =
      List.of("export-service", "deletion-service", "reprocess-service", "scaling-service", "cdn-service",
          "thumbnail-worker", "platform-service");
  private static final Map<String, String> PACKAGES = Map.of("export-service", "export", "deletion-service",
      "deletion", "reprocess-service", "reprocess", "scaling-service", "scaling", "cdn-service", "cdn",
      "thumbnail-worker", "thumbnail", "platform-service", "platform");
  /** The project's modules a service may depend on, and the package of their settings. */
  private static final Map<String, String> LIBRARY_PACKAGES =
      Map.of("object-storage", "app.photobomb.ops.storage", "outbox-relay", "app.photobomb.ops.relay");
  private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

  private final String module;
  private final Map<String, Object> properties;
  private final Set<String> keys;
  private final Set<String> placeholders;
  private final List<Class<?>> propertiesClasses;

  private ServiceSettings(String module) {
    this.module = module;
    Map<String, Object> merged =
        new HashMap<>(flatten(yaml(ROOT.resolve("common/src/main/resources/photobomb-service-defaults.yml"))));
    merged.putAll(flatten(yaml(configFile(module))));
    this.properties = merged;
    this.keys = new HashSet<>();
    for (String key : merged.keySet()) {
      keys.add(key.replace('-', '.'));
      keys.add(key.replace("-", ""));
    }
    this.placeholders = new HashSet<>();
    Matcher matcher = PLACEHOLDER.matcher(read(configFile(module)));
    while (matcher.find()) {
      placeholders.add(matcher.group(1));
    }
    this.propertiesClasses = propertiesClasses(module);
  }

  static ServiceSettings of(String module) {
    return new ServiceSettings(module);
  }

  /** The merged config files' value of a dotted key, e.g. {@code server.port}; null when unset. */
  Object property(String key) {
    return properties.get(key);
  }

  String serverPort() {
    Object port = properties.get("server.port");
    assertThat(port).as(module + " server.port").isNotNull();
    return port.toString();
  }

  /** Whether setting this environment variable changes a setting of the service. */
  boolean reads(String variable) {
    String property = variable.toLowerCase(Locale.ROOT).replace('_', '.');
    return keys.contains(property) || placeholders.contains(variable)
        || propertiesClasses.stream().anyMatch(type -> binds(variable, type));
  }

  /** Whether the module's main code depends on the artifact (not only its tests). */
  boolean dependsOn(String artifactId) {
    return dependsOn(module, artifactId);
  }

  private static boolean dependsOn(String module, String artifactId) {
    Matcher matcher = DEPENDENCY.matcher(read(ROOT.resolve(module).resolve("pom.xml")));
    while (matcher.find()) {
      String dependency = matcher.group(1);
      if (dependency.contains("<artifactId>" + artifactId + "</artifactId>") && !dependency.contains("<scope>test")) {
        return true;
      }
    }
    return false;
  }

  /** Binds the class's properties from this one variable; true when a property of it took the variable's value. */
  private static boolean binds(String variable, Class<?> type) {
    String prefix = MergedAnnotations.from(type).get(ConfigurationProperties.class).getString("prefix");
    // named as the process environment's source, for which Spring applies the relaxed mapping of variable names
    ConfigurationPropertySource source = ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, "1")));
    AtomicBoolean bound = new AtomicBoolean();
    BindHandler handler = new BindHandler() {
      @Override
      public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
        bound.compareAndSet(false, source.getConfigurationProperty(name) != null);
        return result;
      }

      // "1" may not convert (an enum, a time of day): the variable still names the property
      @Override
      public Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
          Exception error) {
        bound.compareAndSet(false, source.getConfigurationProperty(name) != null);
        return null;
      }
    };
    new Binder(source).bind(prefix, Bindable.of(type), handler);
    return bound.get();
  }

  /** The service's own, common's and its libraries' settings classes, and Spring Boot's of the starters it uses. */
  private static List<Class<?>> propertiesClasses(String module) {
    List<String> packages = new ArrayList<>(List.of("app.photobomb.ops." + PACKAGES.get(module),
        "app.photobomb.ops.common"));
    LIBRARY_PACKAGES.forEach((artifactId, name) -> {
      if (dependsOn(module, artifactId)) {
        packages.add(name);
      }
    });
    ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
    List<Class<?>> classes = new ArrayList<>(List.of(DataSourceProperties.class, FlywayProperties.class,
        KafkaProperties.class, ServerProperties.class));
    if (dependsOn(module, "spring-boot-starter-data-redis")) {
      classes.add(DataRedisProperties.class);
    }
    for (String name : packages) {
      for (BeanDefinition candidate : scanner.findCandidateComponents(name)) {
        try {
          classes.add(Class.forName(candidate.getBeanClassName()));
        } catch (ClassNotFoundException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return classes;
  }

  /** The service's own config file, named after it (spring.config.name). */
  private static Path configFile(String module) {
    return ROOT.resolve(module).resolve("src/main/resources").resolve(module + ".yml");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses YAML, or JSON (which is YAML), into a map. */
  static Map<String, Object> yaml(Path file) {
    return map(new Yaml().load(read(file)));
  }

  /** Nested maps as dotted keys, e.g. {@code server.port}. */
  static Map<String, Object> flatten(Map<String, Object> tree) {
    Map<String, Object> flat = new HashMap<>();
    tree.forEach((key, value) -> {
      if (value instanceof Map<?, ?> child) {
        flatten(map(child)).forEach((childKey, childValue) -> flat.put(key + "." + childKey, childValue));
      } else {
        flat.put(key, value);
      }
    });
    return flat;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }
}
