package app.photobomb.ops.testsupport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * A second instance of a service inside the test JVM, as a second replica in production: the service's
 * application started with the test context's own settings (its {@code @SpringBootTest} properties and
 * {@code @DynamicPropertySource} values, so the same servers, database and consumer groups), on a random port,
 * and without the embedded outbox relay (one relay per database: the test context's). Close it at the end.
 */
public final class ServiceReplica implements AutoCloseable {

  /** Where Spring's test context keeps a test's inlined and dynamic properties. */
  private static final Set<String> TEST_PROPERTIES = Set.of(
      TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME, "Dynamic Test Properties");

  private final ConfigurableApplicationContext context;

  private ServiceReplica(ConfigurableApplicationContext context) {
    this.context = context;
  }

  /**
   * Starts {@code application} (e.g. {@code ExportServiceApplication.application()}) with the settings of the
   * test context whose environment is given, then {@code overrides} on top.
   */
  public static ServiceReplica start(SpringApplicationBuilder application, ConfigurableEnvironment testContext,
      Map<String, Object> overrides) {
    StandardEnvironment environment = new StandardEnvironment();
    List<PropertySource<?>> copied = testContext.getPropertySources().stream()
        .filter(source -> TEST_PROPERTIES.contains(source.getName())).toList();
    if (copied.isEmpty()) {
      throw new IllegalArgumentException("not the environment of a Spring test context: no test properties in it");
    }
    for (int i = copied.size() - 1; i >= 0; i--) {
      environment.getPropertySources().addFirst(copied.get(i));
    }
    Map<String, Object> replica = new LinkedHashMap<>();
    replica.put("photobomb.outbox-relay.enabled", "false");
    replica.put("server.port", "0");
    replica.putAll(overrides);
    environment.getPropertySources().addFirst(new MapPropertySource("Replica Properties", replica));
    return new ServiceReplica(application.environment(environment).run());
  }

  public static ServiceReplica start(SpringApplicationBuilder application, ConfigurableEnvironment testContext) {
    return start(application, testContext, Map.of());
  }

  public ConfigurableApplicationContext context() {
    return context;
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  @Override
  public void close() {
    context.close();
  }
}
