package app.photobomb.ops.export.jobs;

import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.events.UserHardDeleted;
import app.photobomb.ops.common.messaging.HandlingContext;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.export.domain.ExportJob;
import app.photobomb.ops.export.domain.ExportOutcomes;
import app.photobomb.ops.export.domain.Exports;
import app.photobomb.ops.storage.config.ObjectStorageAutoConfiguration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps archives no longer than their links: an expired archive is deleted (every version) and its export marked
 * removed; when a user is hard-deleted, their archives go at once and their unfinished exports fail.
 */
@Service
public class ExportRetention {

  private static final Logger log = LoggerFactory.getLogger(ExportRetention.class);
  private static final int BATCH = 100;

  private final Exports exports;
  private final ExportOutcomes outcomes;
  private final ObjectStore store;
  private final AuditLog audit;
  private final TransactionTemplate transactions;

  public ExportRetention(Exports exports, ExportOutcomes outcomes,
      @Qualifier(ObjectStorageAutoConfiguration.EXPORTS) ObjectStore store, AuditLog audit,
      TransactionTemplate transactions) {
    this.exports = exports;
    this.outcomes = outcomes;
    this.store = store;
    this.audit = audit;
    this.transactions = transactions;
  }

  /** Deletes archives whose link has expired; returns how many. */
  public int removeExpired() {
    List<Exports.StoredExport> expired = exports.expired(BATCH);
    for (Exports.StoredExport export : expired) {
      remove(export, "link_expired");
    }
    return expired.size();
  }

  /** Handler of UserHardDeleted (in the inbox transaction; deleting an archive twice is harmless). */
  public void userHardDeleted(UserHardDeleted event, HandlingContext context) {
    for (ExportJob unfinished : exports.unfinishedOf(event.userId())) {
      outcomes.userGone(unfinished);
    }
    for (Exports.StoredExport export : exports.completedOf(event.userId())) {
      remove(export, "user_deleted");
    }
  }

  private void remove(Exports.StoredExport export, String why) {
    store.deleteEveryVersion(export.bucket(), export.key());
    transactions.executeWithoutResult(status -> {
      exports.markRemoved(export.exportId());
      audit.record(export.userId(), "data_export_removed", "export-service",
          Map.of("export_id", export.exportId().toString(), "reason", why));
    });
    log.info("archive of export {} removed ({})", export.exportId(), why);
  }
}
