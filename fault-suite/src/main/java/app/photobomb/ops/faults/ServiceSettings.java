package app.photobomb.ops.faults;

import app.photobomb.ops.testsupport.DatabaseRole;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings each service's JVM starts with, as the local stack and the benchmarks give them: the servers, its own
 * database role (Flyway as the migrator), B2 (the fake) for originals and thumbnails, the scratch local object store
 * for the export archives with its link secret, a spool, short claim
 * leases (a killed replica's claims run out in seconds, not minutes), the Cloudflare stand-in. Passed as arguments,
 * which outrank the service's own configuration files.
 */
final class ServiceSettings {

  /** Signs the scratch store's links; nothing downloads them, but the store refuses to start without one. */
  private static final String LINK_SECRET = "fault-suite-link-secret-0123456789";

  private ServiceSettings() {
  }

  static Map<String, Object> of(SuiteService service, SuiteServers servers, Path directory, int port) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("server.port", port);
    settings.put("spring.main.banner-mode", "off");
    settings.put("spring.datasource.url", servers.jdbcUrl());
    settings.put("spring.datasource.username", service.role().roleName());
    settings.put("spring.datasource.password", service.role().password());
    settings.put("spring.flyway.user", DatabaseRole.MIGRATOR.roleName());
    settings.put("spring.flyway.password", DatabaseRole.MIGRATOR.password());
    settings.put("spring.kafka.bootstrap-servers", servers.endpoints().kafkaBootstrapServers());
    settings.put("spring.data.redis.url", servers.endpoints().redisUrl());
    // originals and thumbnails in B2 (the fake), as in production; export archives in the local store (GCS there)
    settings.putAll(servers.b2().originalsStoreSettings(3));
    settings.put("photobomb.storage.exports", "local");
    settings.put("photobomb.storage.local.root", servers.objectStore().toString());
    settings.put("photobomb.storage.local.link-secret", LINK_SECRET);
    settings.put("photobomb.storage.spool-directory", directory.resolve("spool").resolve(service.serviceName()));
    switch (service) {
      case DELETION -> {
        settings.put("photobomb.deletion.claim-lease", "20s");
        // a forced deletion is found by the next pass; the default 30 s idle pause would only slow the round
        settings.put("photobomb.deletion.scheduler-interval", "2s");
        settings.put("photobomb.deletion.cdn-base-url", servers.cloudflare().baseUrl());
      }
      case EXPORT -> settings.put("photobomb.export.lease", "20s");
      case CDN -> {
        settings.put("photobomb.cdn.base-url", servers.cloudflare().baseUrl());
        settings.put("photobomb.cdn.cloudflare.api-url", servers.cloudflare().apiUrl());
        settings.put("photobomb.cdn.cloudflare.api-token", SuiteServers.CLOUDFLARE_TOKEN);
        settings.put("photobomb.cdn.cloudflare.zone-id", SuiteServers.CLOUDFLARE_ZONE);
      }
      case REPROCESS -> {
        // a killed worker's jobs come back within seconds (its lease and heartbeat are 20 s), not the default 30 s
        settings.put("photobomb.reprocess.reaper-interval", "5s");
        settings.put("photobomb.reprocess.progress-interval", "2s");
        settings.put("photobomb.reprocess.claim-lease", "20s");
      }
      case THUMBNAIL_WORKER -> {
        settings.put("photobomb.worker.lease", "20s");
        settings.put("photobomb.worker.concurrency", 2);
        // the suite's photos are all in the local store: nothing to move
        settings.put("photobomb.worker.migration-target", "none");
      }
      default -> throw new IllegalArgumentException("no settings for " + service);
    }
    return settings;
  }

  static String[] arguments(Map<String, Object> settings) {
    return settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
  }
}
