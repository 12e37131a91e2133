package app.photobomb.ops.localstack;

import app.photobomb.ops.testsupport.ServerPorts;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the local stack keeps its files, which ports it listens on and how much demo data it loads. From the
 * environment: {@code PHOTOBOMB_LOCAL_DIR} (default {@code .local}), {@code LOCAL_KAFKA_PORT} (9092),
 * {@code LOCAL_POSTGRES_PORT} (5432), {@code LOCAL_REDIS_PORT} (6379), {@code LOCAL_LINKS_PORT} (8090, serves the local
 * store's download links, e.g. of exports), {@code LOCAL_KUBERNETES_PORT} (8091, the Kubernetes API stand-in),
 * {@code LOCAL_CLOUDFLARE_PORT} (8092, the Cloudflare stand-in, at the limits of plan {@code PHOTOBOMB_CDN_PLAN}, the
 * cdn-service's own setting, default pro) and {@code <SERVICE>_PORT} such as {@code DELETION_SERVICE_PORT}
 * (8081-8086). Port 0 means any free port. The number of demo photos comes from {@code --demo-photos}.
 */
public record LocalStackSettings(Path directory, int kafkaPort, ServerPorts serverPorts,
    Map<LocalService, Integer> servicePorts, int linkPort, int kubernetesPort, int cloudflarePort,
    String cloudflarePlan, int demoPhotos, Map<String, String> serviceProperties) {

  /** The same settings with extra properties given to every service, e.g. a zero-day deletion grace. */
  public LocalStackSettings withServiceProperties(Map<String, String> properties) {
    return new LocalStackSettings(directory, kafkaPort, serverPorts, servicePorts, linkPort, kubernetesPort,
        cloudflarePort, cloudflarePlan, demoPhotos, Map.copyOf(properties));
  }

  /** The same settings with another size of demo data (used on the first start, or after a reset). */
  public LocalStackSettings withDemoPhotos(int photos) {
    if (photos < 3) {
      throw new IllegalArgumentException("--demo-photos must be at least 3 (one per demo user), not " + photos);
    }
    return new LocalStackSettings(directory, kafkaPort, serverPorts, servicePorts, linkPort, kubernetesPort,
        cloudflarePort, cloudflarePlan, photos, serviceProperties);
  }

  public static LocalStackSettings fromEnvironment(Map<String, String> env) {
    Path directory = Path.of(env.getOrDefault("PHOTOBOMB_LOCAL_DIR", ".local")).toAbsolutePath().normalize();
    ServerPorts ports = new ServerPorts(port(env, "LOCAL_POSTGRES_PORT", 5432),
        port(env, "LOCAL_REDIS_PORT", 6379));
    Map<LocalService, Integer> servicePorts = new java.util.EnumMap<>(LocalService.class);
    for (LocalService service : LocalService.values()) {
      servicePorts.put(service, port(env, service.portVariable(), service.defaultPort()));
    }
    return new LocalStackSettings(directory, port(env, "LOCAL_KAFKA_PORT", 9092), ports, servicePorts,
        port(env, "LOCAL_LINKS_PORT", 8090), port(env, "LOCAL_KUBERNETES_PORT", 8091),
        port(env, "LOCAL_CLOUDFLARE_PORT", 8092), env.getOrDefault("PHOTOBOMB_CDN_PLAN", "pro"),
        DemoCatalog.DEFAULT_PHOTOS, Map.of());
  }

  /** Every server and service on a free port, for tests. */
  public static LocalStackSettings anyFreePorts(Path directory) {
    Map<LocalService, Integer> servicePorts = new java.util.EnumMap<>(LocalService.class);
    for (LocalService service : LocalService.values()) {
      servicePorts.put(service, 0);
    }
    return new LocalStackSettings(directory, 0, ServerPorts.ANY_FREE, servicePorts, 0, 0, 0, "pro",
        DemoCatalog.DEFAULT_PHOTOS, Map.of());
  }

  private static int port(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a port number (0-65535), not '" + value + "'", e);
    }
  }
}
