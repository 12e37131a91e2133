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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * removed. When a user is hard-deleted, their unfinished exports fail, their archives expire at once and their
 * whole {@code exports/<userId>/} prefix is swept, right after the handler commits and then by every sweep for
 * a day (an archive a stalled worker stores late is found too). Store calls run outside the handler's
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

  /** One sweep: expired archives, then the prefixes of hard-deleted users; returns the archives removed. */
  public synchronized int sweep() {
    List<Exports.StoredExport> expired = exports.expired(BATCH);
    for (Exports.StoredExport export : expired) {
      store.deleteEveryVersion(export.bucket(), export.key());
      transactions.executeWithoutResult(status -> {
        exports.markRemoved(export.exportId());
        audit.record(export.userId(), "data_export_removed", "export-service",
            Map.of("export_id", export.exportId().toString(), "reason", "link_expired_or_user_deleted"));
      });
      log.info("archive of export {} removed", export.exportId());
    }
    for (UUID userId : jdbc.queryForList("SELECT user_id FROM export_purges", UUID.class)) {
      purgePrefix(userId);
    }
    jdbc.update("DELETE FROM export_purges WHERE requested_at < now() - interval '1 day'");
    return expired.size();
  }

  /** Handler of UserHardDeleted, in the inbox transaction: database changes only, the store follows on commit. */
  public void userHardDeleted(UserHardDeleted event, HandlingContext context) {
    for (ExportJob unfinished : exports.unfinishedOf(event.userId())) {
      outcomes.userGone(unfinished);
    }
    jdbc.update("UPDATE exports SET expires_at = now(), updated_at = now() WHERE user_id = ? AND status = 'completed'",
        event.userId());
    jdbc.update("INSERT INTO export_purges (user_id) VALUES (?) ON CONFLICT (user_id) DO NOTHING", event.userId());
    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
      @Override
      public void afterCommit() {
        immediate.execute(() -> {
          try {
            sweep();
          } catch (RuntimeException e) {
            log.warn("removing the archives of hard-deleted user {} failed; the next sweep retries: {}",
                event.userId(), e.toString());
          }
        });
      }
    });
  }

  private void purgePrefix(UUID userId) {
    String token = null;
    do {
      VersionPage page = store.listVersions(properties.bucket(), properties.userPrefix(userId), token, 1000);
      for (ObjectVersion version : page.versions()) {
        store.deleteVersion(properties.bucket(), version.key(), version.versionId());
        log.info("removed {} of hard-deleted user {}", version.key(), userId);
      }
      token = page.nextPageToken();
    } while (token != null);
  }

  @PreDestroy
  void stop() {
    immediate.shutdownNow();
  }
}
