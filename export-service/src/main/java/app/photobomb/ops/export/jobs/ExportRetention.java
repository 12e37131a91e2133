package app.photobomb.ops.export.jobs;

import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.events.UserHardDeleted;
import app.photobomb.ops.common.messaging.HandlingContext;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.ObjectVersion;
import app.photobomb.ops.common.storage.VersionPage;
import app.photobomb.ops.export.config.ExportProperties;
import app.photobomb.ops.export.domain.ExportJob;
import app.photobomb.ops.export.domain.ExportOutcomes;
import app.photobomb.ops.export.domain.Exports;
import app.photobomb.ops.storage.config.ObjectStorageAutoConfiguration;
import jakarta.annotation.PreDestroy;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps archives no longer than their links: an expired archive is deleted (every version) and its export marked
 * removed. Prefixes recorded in export_purges (a hard-deleted user's {@code exports/<userId>/}, a failed export's
 * attempts, a stalled attempt's key) are emptied by every sweep for a day, so a deletion that failed, or an
 * archive a stalled worker stores late, is found too. When a user is hard-deleted their unfinished exports fail,
 * their archives expire, and a sweep runs right after the handler commits. Store calls run outside the handler's
 * transaction, so a storage outage delays a deletion but never loses or dead-letters it.
 */
@Service
public class ExportRetention {

  private static final Logger log = LoggerFactory.getLogger(ExportRetention.class);
  private static final int BATCH = 100;

  private final Exports exports;
  private final ExportOutcomes outcomes;
  private final ObjectStore store;
  private final AuditLog audit;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final ExportProperties properties;
  private final AtomicBoolean sweepWaiting = new AtomicBoolean();
  private final ExecutorService immediate = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "export-retention-now");
    thread.setDaemon(true);
    return thread;
  });

  public ExportRetention(Exports exports, ExportOutcomes outcomes,
      @Qualifier(ObjectStorageAutoConfiguration.EXPORTS) ObjectStore store, AuditLog audit, JdbcTemplate jdbc,
      TransactionTemplate transactions, ExportProperties properties) {
    this.exports = exports;
    this.outcomes = outcomes;
    this.store = store;
    this.audit = audit;
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.properties = properties;
  }

  /**
   * One sweep: expired archives, then every prefix waiting in export_purges; returns the archives that expired.
   * A deletion that fails is logged and retried by the next sweep without holding up the others.
   */
  public synchronized int sweep() {
    int removed = 0;
    for (Exports.StoredExport export : exports.expired(BATCH)) {
      try {
        store.deleteEveryVersion(export.bucket(), export.key());
        boolean marked = Boolean.TRUE.equals(transactions.execute(status -> {
          if (!exports.markRemoved(export.exportId())) {
            return false;
          }
          audit.record(export.userId(), "data_export_removed", "export-service",
              Map.of("export_id", export.exportId().toString(), "reason", "link_expired_or_user_deleted"));
          return true;
        }));
        if (marked) {
          removed++;
          log.info("archive of export {} removed", export.exportId());
        }
      } catch (RuntimeException e) {
        log.warn("removing the archive of export {} failed; the next sweep retries: {}", export.exportId(),
            e.toString());
      }
    }
    for (String prefix : jdbc.queryForList("SELECT prefix FROM export_purges ORDER BY requested_at", String.class)) {
      try {
        purge(prefix);
      } catch (RuntimeException e) {
        log.warn("removing the archives under {} failed; the next sweep retries: {}", prefix, e.toString());
      }
    }
    jdbc.update("DELETE FROM export_purges WHERE requested_at < now() - interval '1 day'");
    return removed;
  }

  /** Handler of UserHardDeleted, in the inbox transaction: database changes only, the store follows on commit. */
  public void userHardDeleted(UserHardDeleted event, HandlingContext context) {
    for (ExportJob unfinished : exports.unfinishedOf(event.userId())) {
      outcomes.userGone(unfinished);
    }
    jdbc.update("UPDATE exports SET expires_at = now(), updated_at = now() WHERE user_id = ? AND status = 'completed'",
        event.userId());
    exports.purgeLater(properties.userPrefix(event.userId()));
    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
      @Override
      public void afterCommit() {
        sweepSoon();
      }
    });
  }

  /** One sweep right away, unless one is already waiting to run: a batch of hard deletes costs one sweep. */
  private void sweepSoon() {
    if (sweepWaiting.compareAndSet(false, true)) {
      immediate.execute(() -> {
        sweepWaiting.set(false);
        try {
          sweep();
        } catch (RuntimeException e) {
          log.warn("sweeping archives after a hard delete failed; the next sweep retries: {}", e.toString());
        }
      });
    }
  }

  private void purge(String prefix) {
    String token = null;
    do {
      VersionPage page = store.listVersions(properties.bucket(), prefix, token, 1000);
      for (ObjectVersion version : page.versions()) {
        store.deleteVersion(properties.bucket(), version.key(), version.versionId());
        log.info("removed {} ({})", version.key(), prefix);
      }
      token = page.nextPageToken();
    } while (token != null);
  }

  @PreDestroy
  void stop() {
    immediate.shutdownNow();
  }
}
