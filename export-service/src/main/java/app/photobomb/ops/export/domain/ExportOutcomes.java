package app.photobomb.ops.export.domain;

import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.events.PhotobombMessage;
import app.photobomb.ops.common.events.UserExportCompleted;
import app.photobomb.ops.common.events.UserExportFailed;
import app.photobomb.ops.common.events.UserExportProgressed;
import app.photobomb.ops.common.messaging.Outbox;
import app.photobomb.ops.common.storage.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a worker records about an export, each in its own transaction with the event that reports it: progress
 * (which also renews the claim), completion and failure. Each checks that the worker still holds the export, so
 * a worker that lost it to another can neither finish nor fail it.
 */
@Service
public class ExportOutcomes {

  private final Exports exports;
  private final Outbox outbox;
  private final AuditLog audit;

  public ExportOutcomes(Exports exports, Outbox outbox, AuditLog audit) {
    this.exports = exports;
    this.outbox = outbox;
    this.audit = audit;
  }

  /** Renews the claim and reports progress; false when the claim was lost. */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  public boolean progressed(ExportJob job, String owner, Duration lease, long photosDone, long photosTotal,
      long bytes) {
    if (!exports.renew(job.exportId(), owner, lease)) {
      return false;
    }
    emit(job, new UserExportProgressed(job.exportId(), job.userId(), photosDone, photosTotal, bytes));
    return true;
  }

  /** Renews the claim without a progress event (a long photo, the metadata); false when it was lost. */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  public boolean renewed(ExportJob job, String owner, Duration lease) {
    return exports.renew(job.exportId(), owner, lease);
  }

  @Transactional(propagation = Propagation.REQUIRES_NEW)
  public boolean completed(ExportJob job, String owner, StoredObject archive, String url, Instant expiresAt,
      long photos) {
    if (!exports.complete(job.exportId(), owner, archive.bucket(), archive.key(), url, expiresAt, photos,
        archive.size(), archive.sha256())) {
      return false;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("export_id", job.exportId().toString());
    details.put("requested_by", job.requestedBy());
    details.put("photos", photos);
    details.put("bytes", archive.size());
    details.put("sha256", archive.sha256());
    details.put("expires_at", expiresAt.toString());
    audit.record(job.userId(), "data_exported", "export-service", details);
    emit(job, new UserExportCompleted(job.exportId(), job.userId(), url, expiresAt, photos, archive.size(),
        archive.sha256()));
    return true;
  }

  /** Fails the export and, in the same transaction, marks every archive its attempts stored for deletion. */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  public boolean failed(ExportJob job, String owner, String reason, String archivesPrefix) {
    if (!exports.fail(job.exportId(), owner, reason)) {
      return false;
    }
    exports.purgeLater(archivesPrefix);
    audit.record(job.userId(), "data_export_failed", "export-service",
        Map.of("export_id", job.exportId().toString(), "reason", reason));
    emit(job, new UserExportFailed(job.exportId(), job.userId(), reason));
    return true;
  }

  /** An unfinished export whose user was hard-deleted (runs in the caller's transaction). */
  public void userGone(ExportJob job) {
    exports.failUnfinished(job.exportId(), "unknown_user");
    emit(job, new UserExportFailed(job.exportId(), job.userId(), "unknown_user"));
  }

  private void emit(ExportJob job, PhotobombMessage event) {
    outbox.write(List.of(outbox.toEvent(event, job.correlationId(), job.causationId())));
  }
}
