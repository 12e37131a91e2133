package app.photobomb.ops.export.domain;

import app.photobomb.ops.common.database.AccountLocks;
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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a worker records about an export, each in its own transaction with the event that reports it: progress
 * (which also renews the claim), completion and failure. Each checks that the worker still holds the export, so
 * a worker that lost it to another can neither finish nor fail it. Where the user matters, the users row is locked
 * before the exports row, the order of every service on this database.
 */
@Service
public class ExportOutcomes {

  private final Exports exports;
  private final Outbox outbox;
  private final AuditLog audit;
  private final JdbcTemplate jdbc;

  public ExportOutcomes(Exports exports, Outbox outbox, AuditLog audit, JdbcTemplate jdbc) {
    this.exports = exports;
    this.outbox = outbox;
    this.audit = audit;
    this.jdbc = jdbc;
  }

  /** What became of a finished build. */
  public enum Completion {
    /** Recorded, and its link announced. */
    COMPLETED,
    /** The user was hard-deleted since the snapshot: the export failed {@code unknown_user}. */
    USER_GONE,
    /** No longer this worker's (taken over, or ended by the user's hard delete). */
    LOST
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

  /**
   * Records the completion with its link, unless the user is gone: the snapshot may predate a hard delete that
   * committed since, and a link must not outlive the account. The account lock is held shared (AccountLocks) so that
   * a hard delete either committed before this check or waits until this transaction ends; then the export fails
   * {@code unknown_user} and every archive of it is marked for deletion, in this transaction.
   */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  public Completion completed(ExportJob job, String owner, StoredObject archive, String url, Instant expiresAt,
      long photos, String archivesPrefix) {
    if (!userStillThere(job)) {
      // a call inside this bean: it runs in this transaction, under the lock just taken
      return failed(job, owner, "unknown_user", archivesPrefix) ? Completion.USER_GONE : Completion.LOST;
    }
    if (!exports.complete(job.exportId(), owner, archive.bucket(), archive.key(), url, expiresAt, photos,
        archive.size(), archive.sha256())) {
      return Completion.LOST;
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
    return Completion.COMPLETED;
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

  /** Waits for a hard delete of the user in flight (the account lock), then looks. */
  private boolean userStillThere(ExportJob job) {
    AccountLocks.shared(jdbc, job.userId());
    return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM users WHERE user_id = ?)",
        Boolean.class, job.userId()));
  }

  private void emit(ExportJob job, PhotobombMessage event) {
    outbox.write(List.of(outbox.toEvent(event, job.correlationId(), job.causationId())));
  }
}
