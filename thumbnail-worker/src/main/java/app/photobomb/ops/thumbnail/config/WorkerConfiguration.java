package app.photobomb.ops.thumbnail.config;

import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.thumbnails.ThumbnailSpec;
import app.photobomb.ops.storage.config.ObjectStorageAutoConfiguration;
import app.photobomb.ops.storage.s3.S3ObjectStore;
import app.photobomb.ops.storage.s3.S3Properties;
import app.photobomb.ops.thumbnail.jobs.JobHandler;
import app.photobomb.ops.thumbnail.jobs.ProcessingJobs;
import app.photobomb.ops.thumbnail.migration.MigrateStorage;
import app.photobomb.ops.thumbnail.photos.Photos;
import app.photobomb.ops.thumbnail.photos.StoreDirectory;
import app.photobomb.ops.thumbnail.render.ThumbnailRenderer;
import app.photobomb.ops.thumbnail.thumbnails.ReprocessThumbnails;
import app.photobomb.ops.thumbnail.worker.JobWorker;
import app.photobomb.ops.thumbnail.worker.WorkerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the worker: its stores, the two job handlers, and the loop. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ThumbnailSpec.class)
public class WorkerConfiguration {

  private static final Logger log = LoggerFactory.getLogger(WorkerConfiguration.class);

  /** The migration target (R2), when configured: its own S3 client, closed with the context. */
  @Bean(destroyMethod = "close")
  MigrationTarget migrationTarget(WorkerProperties worker, S3Properties r2) {
    if ("none".equals(worker.migrationTarget())) {
      return new MigrationTarget(null);
    }
    if (r2.endpoint() == null) {
      log.warn("photobomb.storage.r2.endpoint (PHOTOBOMB_STORAGE_R2_ENDPOINT) is not set: migrate_storage jobs fail "
          + "until it is");
      return new MigrationTarget(null);
    }
    return new MigrationTarget(S3ObjectStore.create(r2));
  }

  @Bean
  StoreDirectory storeDirectory(@Qualifier(ObjectStorageAutoConfiguration.ORIGINALS) ObjectStore originals,
      MigrationTarget target) {
    return new StoreDirectory(originals, target.store());
  }

  @Bean
  ThumbnailRenderer thumbnailRenderer(ThumbnailSpec spec) {
    return new ThumbnailRenderer(spec);
  }

  @Bean
  Photos photos(JdbcTemplate jdbc) {
    return new Photos(jdbc);
  }

  @Bean
  ProcessingJobs processingJobs(JdbcTemplate jdbc) {
    return new ProcessingJobs(jdbc);
  }

  @Bean
  ReprocessThumbnails reprocessThumbnails(Photos photos, StoreDirectory stores, ThumbnailRenderer renderer,
      ThumbnailSpec spec, WorkerProperties worker) {
    return new ReprocessThumbnails(photos, stores, renderer, spec, worker.thumbnailsBucket());
  }

  @Bean
  MigrateStorage migrateStorage(Photos photos, StoreDirectory stores, WorkerProperties worker, AuditLog audit,
      WorkerIdentity identity) {
    return new MigrateStorage(photos, stores, worker.migrationSource(), audit, "thumbnail-worker " + identity.id());
  }

  @Bean
  WorkerIdentity workerIdentity(WorkerProperties worker) {
    return new WorkerIdentity(worker.id() != null && !worker.id().isBlank() ? worker.id() : defaultId());
  }

  @Bean
  JobWorker jobWorker(WorkerProperties worker, StringRedisTemplate redis, ProcessingJobs jobs,
      TransactionTemplate transactions, PayloadCodec codec, List<JobHandler> handlers, MeterRegistry meters,
      WorkerIdentity identity) {
    return new JobWorker(worker, redis, jobs, transactions, codec, handlers, new WorkerMetrics(meters), identity.id());
  }

  /** Host name and a random suffix: unique per process, readable in processing_jobs.worker and the Redis keys. */
  private static String defaultId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "worker";
    }
    byte[] suffix = new byte[3];
    ThreadLocalRandom.current().nextBytes(suffix);
    return host + "-" + HexFormat.of().formatHex(suffix);
  }

  /** This process's worker id. */
  public record WorkerIdentity(String id) {
  }

  /** The migration target store or none; closes its client. */
  public record MigrationTarget(S3ObjectStore store) implements AutoCloseable {
    @Override
    public void close() {
      if (store != null) {
        store.close();
      }
    }
  }
}
