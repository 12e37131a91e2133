package app.photobomb.ops.storage.config;

import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.storage.b2.B2ObjectStore;
import app.photobomb.ops.storage.b2.B2Properties;
import app.photobomb.ops.storage.gcs.GcsObjectStore;
import app.photobomb.ops.storage.gcs.GcsProperties;
import app.photobomb.ops.storage.local.LocalFileObjectStore;
import app.photobomb.ops.storage.local.LocalLinkSigner;
import app.photobomb.ops.storage.resilience.BreakerProperties;
import app.photobomb.ops.storage.resilience.ResilientObjectStore;
import app.photobomb.ops.storage.resilience.StoreBreakers;
import app.photobomb.ops.storage.resilience.UploadRetryQueue;
import app.photobomb.ops.storage.resilience.UploadRetryWorker;
import app.photobomb.ops.storage.s3.S3ObjectStore;
import app.photobomb.ops.storage.s3.S3Properties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Builds the stores a service uses from configuration: {@code originalsStore} (B2 or local, behind the
 * outage handling when a fallback is set) and {@code exportsStore} (GCS or local), plus the worker that
 * drains the upload retry queue.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration")
@EnableConfigurationProperties({StorageProperties.class, BreakerProperties.class, B2Properties.class,
    S3Properties.class, GcsProperties.class})
public class ObjectStorageAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(ObjectStorageAutoConfiguration.class);

  /** Bean name of the store of originals and thumbnails. */
  public static final String ORIGINALS = "originalsStore";
  /** Bean name of the store of export archives. */
  public static final String EXPORTS = "exportsStore";

  @Bean
  UploadRetryQueue uploadRetryQueue(JdbcTemplate jdbc, StorageProperties storage) {
    Path spool = storage.spoolDirectory();
    if (spool == null) {
      spool = Path.of(System.getProperty("java.io.tmpdir"), "photobomb-upload-spool");
      log.warn("PHOTOBOMB_STORAGE_SPOOL_DIRECTORY is not set: queued uploads wait in {}, which may not survive a "
          + "restart; mount a persistent volume there", spool);
    }
    return new UploadRetryQueue(jdbc, spool, storage.spoolOwner() != null ? storage.spoolOwner() : hostName());
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** Closed by Spring on shutdown: the B2 and S3 clients hold connection pools. */
  @Bean(name = ORIGINALS)
  ObjectStore originalsStore(StorageProperties storage, B2Properties b2, S3Properties r2, BreakerProperties breaker,
      UploadRetryQueue queue, ObjectProvider<MeterRegistry> meters, ObjectProvider<Clock> clock) {
    Clock time = clock.getIfAvailable(Clock::systemUTC);
    ObjectStore primary = StoreFactory.create(storage.primary(), storage, b2, r2, null, time);
    if ("none".equals(storage.fallback())) {
      return primary;
    }
    ObjectStore fallback = StoreFactory.create(storage.fallback(), storage, b2, r2, null, time);
    MeterRegistry registry = meters.getIfAvailable(SimpleMeterRegistry::new);
    return new ResilientObjectStore(primary, fallback, new StoreBreakers(breaker, registry), queue, registry);
  }

  @Bean(name = EXPORTS)
  ObjectStore exportsStore(StorageProperties storage, GcsProperties gcs, ObjectProvider<Clock> clock) {
    return StoreFactory.create(storage.exports(), storage, null, null, gcs, clock.getIfAvailable(Clock::systemUTC));
  }

  /** Drains the retry queue on a schedule when originals sit behind the outage handling. */
  @Bean
  SmartLifecycle uploadRetryWorker(@Qualifier(ORIGINALS) ObjectStore originals, UploadRetryQueue queue,
      StorageProperties storage, ObjectProvider<MeterRegistry> meters) {
    UploadRetryWorker worker = originals instanceof ResilientObjectStore resilient
        ? new UploadRetryWorker(resilient, queue, meters.getIfAvailable(SimpleMeterRegistry::new)) : null;
    return new ScheduledDrain(worker, storage.retryInterval());
  }

  /** Makes one store of the named kind. */
  static final class StoreFactory {

    private StoreFactory() {
    }

    static ObjectStore create(String kind, StorageProperties storage, B2Properties b2, S3Properties r2,
        GcsProperties gcs, Clock clock) {
      return switch (kind) {
        case "b2" -> B2ObjectStore.create(b2);
        case "r2" -> S3ObjectStore.create(r2);
        case "gcs" -> GcsObjectStore.create(gcs);
        case "local" -> local(storage.local(), clock);
        default -> throw new IllegalArgumentException(
            "photobomb.storage: unknown store '" + kind + "' (b2, r2, gcs or local)");
      };
    }

    private static LocalFileObjectStore local(StorageProperties.Local local, Clock clock) {
      if (local.linkSecret() == null || local.linkSecret().length() < 16) {
        throw new IllegalArgumentException(
            "photobomb.storage.local.link-secret (PHOTOBOMB_STORAGE_LOCAL_LINK_SECRET) needs at least 16 characters");
      }
      return new LocalFileObjectStore(local.root(),
          new LocalLinkSigner(local.linkSecret().getBytes(StandardCharsets.UTF_8), clock), local.linkBaseUrl(), clock);
    }
  }
}
