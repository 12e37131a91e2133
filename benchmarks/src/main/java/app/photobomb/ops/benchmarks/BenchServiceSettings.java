package app.photobomb.ops.benchmarks;

import app.photobomb.ops.testsupport.ServerEndpoints;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings every service a benchmark starts requires, in one place (as the local stack gives its services
 * theirs): the servers, a scratch object store with its link secret, a spool directory, a free port.
 */
final class BenchServiceSettings {

  /** Signs the scratch store's links; a benchmark serves none, but the store refuses to start without one. */
  private static final String LINK_SECRET = "benchmark-link-secret-0123456789";

  private BenchServiceSettings() {
  }

  /** The settings for a service on {@code jdbcUrl}, its files under {@code work}; callers add their own after. */
  static Map<String, Object> of(ServerEndpoints endpoints, String jdbcUrl, Path work) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("server.port", 0);
    settings.put("spring.datasource.url", jdbcUrl);
    settings.put("spring.datasource.username", endpoints.postgresUser());
    settings.put("spring.datasource.password", endpoints.postgresPassword());
    settings.put("spring.kafka.bootstrap-servers", endpoints.kafkaBootstrapServers());
    settings.put("photobomb.storage.local.root", work.resolve("objects").toString());
    settings.put("photobomb.storage.local.link-secret", LINK_SECRET);
    settings.put("photobomb.storage.spool-directory", work.resolve("spool").toString());
    return settings;
  }

  /** As command-line arguments, which outrank the service's own configuration files. */
  static String[] arguments(Map<String, Object> settings) {
    return settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
  }
}
