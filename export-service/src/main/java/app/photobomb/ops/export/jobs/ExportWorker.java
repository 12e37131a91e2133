package app.photobomb.ops.export.jobs;

import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.ObjectStoreException;
import app.photobomb.ops.common.storage.ObjectUpload;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.export.archive.ArchiveSummary;
import app.photobomb.ops.export.archive.ExportArchiveWriter;
import app.photobomb.ops.export.archive.ExportFailure;
import app.photobomb.ops.export.config.ExportProperties;
import app.photobomb.ops.export.domain.ExportJob;
import app.photobomb.ops.export.domain.ExportOutcomes;
import app.photobomb.ops.export.domain.Exports;
import app.photobomb.ops.storage.config.ObjectStorageAutoConfiguration;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Builds claimed exports: removes what an earlier, crashed attempt left at the archive's key, streams the archive
 * into a new upload of the exports store, commits it, makes a download link and records the completion with its
 * event. A failure that another attempt may cure (a storage outage, a crash) puts the export back in the queue
 * until {@code max-attempts}; one that cannot (the user is gone, an original is missing) fails it at once.
 */
@Component
public class ExportWorker {

  private static final Logger log = LoggerFactory.getLogger(ExportWorker.class);

  private final Exports exports;
  private final ExportOutcomes outcomes;
  private final ExportArchiveWriter writer;
  private final ObjectStore store;
  private final ExportProperties properties;
  private final ExportMetrics metrics;
  private final Clock clock;
  private final TransactionTemplate snapshot;
  private final String instance = hostName() + "/" + UUID.randomUUID().toString().substring(0, 8);
  private final AtomicLong claims = new AtomicLong();

  public ExportWorker(Exports exports, ExportOutcomes outcomes, ExportArchiveWriter writer,
      @Qualifier(ObjectStorageAutoConfiguration.EXPORTS) ObjectStore store, ExportProperties properties,
      ExportMetrics metrics, Clock clock, PlatformTransactionManager transactions, javax.sql.DataSource dataSource) {
    requireConnections(dataSource, properties.workers());
    this.exports = exports;
    this.outcomes = outcomes;
    this.writer = writer;
    this.store = store;
    this.properties = properties;
    this.metrics = metrics;
    this.clock = clock;
    this.snapshot = new TransactionTemplate(transactions);
    snapshot.setReadOnly(true);
    snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
  }

  /** Each worker holds a reading and a writing connection; the consumers and the retention sweep need some too. */
  private static void requireConnections(javax.sql.DataSource dataSource, int workers) {
    if (dataSource instanceof com.zaxxer.hikari.HikariDataSource hikari
        && hikari.getMaximumPoolSize() < 2 * workers + 4) {
      throw new IllegalStateException("PHOTOBOMB_EXPORT_WORKERS=" + workers + " needs a connection pool of at least "
          + (2 * workers + 4) + " (SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE is " + hikari.getMaximumPoolSize()
          + "): each worker reads through one connection and records progress through another");
    }
  }

  /**
   * Claims and builds one export; false when none was ready. Each claim has an owner of its own, not one per
   * instance: a worker that stalled past its lease must lose the export even to another worker of its instance.
   */
  public boolean runOnce() {
    String owner = instance + "#" + claims.incrementAndGet();
    Optional<ExportJob> claimed = exports.claim(owner, properties.lease());
    claimed.ifPresent(job -> build(job, owner));
    return claimed.isPresent();
  }

  private void build(ExportJob job, String owner) {
    MDC.put("exportId", job.exportId().toString());
    metrics.started();
    try {
      if (job.attempt() > properties.maxAttempts()) {
        end(job, owner, "gave_up: " + properties.maxAttempts() + " attempts did not finish; see the export-service log "
            + "for export " + job.exportId());
        return;
      }
      log.info("building export {} of user {} (attempt {})", job.exportId(), job.userId(), job.attempt());
      long started = System.nanoTime();
      for (int earlier = 1; earlier < job.attempt(); earlier++) {
        exports.purgeLater(properties.objectKey(job.userId(), job.exportId(), earlier));
      }
      removeArchives(job, 1, job.attempt() - 1);
      String key = properties.objectKey(job.userId(), job.exportId(), job.attempt());
      ProgressReporter progress = new ProgressReporter(job, owner, outcomes, properties, metrics);
      StoredObject archive;
      ArchiveSummary summary;
      try (ObjectUpload upload = store.upload(properties.bucket(), key, "application/zip")) {
        // No buffer of its own: the ZIP writer buffers headers, and photo bytes pass in large writes as read.
        summary = snapshot.execute(status -> writer.write(job.exportId(), job.userId(), upload, progress));
        progress.stillWorking();
        archive = upload.commit();
      }
      Instant expiresAt = clock.instant().plus(properties.linkValidity());
      String url = store.downloadLink(properties.bucket(), key, properties.linkValidity()).toString();
      ExportOutcomes.Completion completion = outcomes.completed(job, owner, archive, url, expiresAt,
          summary.photos(), properties.exportPrefix(job.userId(), job.exportId()));
      if (completion == ExportOutcomes.Completion.COMPLETED) {
        metrics.completed(archive.size(), System.nanoTime() - started);
        log.info("export {} done: {} photos, {} bytes, sha256 {}", job.exportId(), summary.photos(),
            archive.size(), archive.sha256());
      } else if (completion == ExportOutcomes.Completion.USER_GONE) {
        metrics.failed();
        removeArchives(job, 1, job.attempt());
        log.warn("export {} failed: its user was hard-deleted while the archive was built; the archive was removed",
            job.exportId());
      } else {
        // Another worker took the export over, or the user's hard delete ended it: this attempt's archive goes.
        exports.purgeLater(key);
        removeArchives(job, job.attempt(), job.attempt());
        log.warn("export {} was no longer this worker's when it finished ({}); its archive was removed",
            job.exportId(), exports.status(job.exportId()));
      }
    } catch (ExportFailure e) {
      log.warn("export {} failed: {}", job.exportId(), e.reason());
      end(job, owner, e.reason());
    } catch (ProgressReporter.ClaimLost e) {
      log.warn("export {} stopped: another worker took it over (this one stalled past its lease)", job.exportId());
    } catch (RuntimeException e) {
      retryOrFail(job, owner, e);
    } finally {
      metrics.ended();
      MDC.remove("exportId");
    }
  }

  /**
   * Fails the export, if still this worker's, and removes whatever any attempt of it stored: now if the store
   * answers, else by the retention sweep, which the failure's transaction told to.
   */
  private void end(ExportJob job, String owner, String reason) {
    if (outcomes.failed(job, owner, reason, properties.exportPrefix(job.userId(), job.exportId()))) {
      metrics.failed();
      removeArchives(job, 1, job.attempt());
    }
  }

  /** Deletes the archives of these attempts; a failure is left to the retention sweep (or the next attempt). */
  private void removeArchives(ExportJob job, int fromAttempt, int toAttempt) {
    for (int attempt = fromAttempt; attempt <= toAttempt; attempt++) {
      String key = properties.objectKey(job.userId(), job.exportId(), attempt);
      try {
        if (store.deleteEveryVersion(properties.bucket(), key) > 0) {
          log.info("removed what attempt {} of export {} stored at {}/{}", attempt, job.exportId(),
              properties.bucket(), key);
        }
      } catch (RuntimeException e) {
        log.warn("removing {}/{} failed; it is retried later: {}", properties.bucket(), key, e.toString());
      }
    }
  }

  private void retryOrFail(ExportJob job, String owner, RuntimeException e) {
    boolean storage = e instanceof ObjectStoreException || e instanceof UncheckedIOException;
    String detail = storage ? e.getMessage() : e.getClass().getSimpleName() + " (see the export-service log for "
        + "export " + job.exportId() + ")";
    Duration waited = Duration.between(job.requestedAt(), clock.instant());
    if (storage && waited.compareTo(properties.storagePatience()) < 0) {
      // an outage of the store is waited out (the runbook gives an export 30 minutes), not counted as an attempt
      Duration delay = backoff(waited);
      log.warn("export {}: storage unavailable, tried again in {} s (waiting {} s of {}): {}", job.exportId(),
          delay.toSeconds(), waited.toSeconds(), properties.storagePatience(), e.toString());
      exports.postpone(job.exportId(), owner, detail, delay);
      return;
    }
    if (!storage && job.attempt() < properties.maxAttempts()) {
      log.warn("export {} attempt {} failed; it is tried again: {}", job.exportId(), job.attempt(), e.toString(), e);
      exports.release(job.exportId(), owner, detail, Duration.ZERO);
      return;
    }
    log.error("export {} failed after {} attempts", job.exportId(), job.attempt(), e);
    end(job, owner, storage
        ? "storage_unavailable: " + detail + " (for " + waited.toSeconds() + " s; ask again when storage is healthy)"
        : "export_error: " + detail + " (after " + job.attempt() + " attempts; report it to the operators)");
  }

  /** Half the time waited so far, between the configured first backoff and a minute. */
  private Duration backoff(Duration waited) {
    Duration half = waited.dividedBy(2);
    Duration first = properties.storageRetryBackoff();
    return half.compareTo(first) < 0 ? first : half.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : half;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "export-service";
    }
  }
}
