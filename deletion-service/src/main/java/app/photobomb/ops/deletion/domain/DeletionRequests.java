package app.photobomb.ops.deletion.domain;

import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.events.UserDeletionCancelled;
import app.photobomb.ops.common.events.UserDeletionFailed;
import app.photobomb.ops.common.events.UserDeletionRequested;
import app.photobomb.ops.common.events.UserDeletionScheduled;
import app.photobomb.ops.common.events.UserRestored;
import app.photobomb.ops.common.messaging.HandlingContext;
import app.photobomb.ops.deletion.config.DeletionProperties;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The rules of asking for and withdrawing an account deletion (runbook task 9, first half): soft delete,
 * schedule after the grace period, restore within it. Runs inside the handler's transaction.
 */
@Service
public class DeletionRequests {

  private final UserDeletions deletions;
  private final AuditLog audit;
  private final DeletionProperties properties;
  private final Clock clock;

  public DeletionRequests(UserDeletions deletions, AuditLog audit, DeletionProperties properties, Clock clock) {
    this.deletions = deletions;
    this.audit = audit;
    this.properties = properties;
    this.clock = clock;
  }

  /**
   * Soft-deletes and schedules; a repeated request answers with the first schedule, and a request older than
   * the user's latest cancel (by the commands' own times: they travel on two topics, unordered) schedules nothing.
   */
  public void request(UserDeletionRequested command, HandlingContext context) {
    Optional<Optional<Instant>> user = deletions.lockUser(command.userId());
    Optional<UserDeletion> existing = deletions.lock(command.userId());
    if (user.isEmpty()) {
      boolean gone = existing.map(d -> d.status().rowsDeleted()).orElse(false);
      context.emit(new UserDeletionFailed(command.userId(), gone ? "already_deleted" : "unknown_user"));
      return;
    }
    if (command.isImmediate() && (command.reason() == null || command.reason().isBlank())) {
      context.emit(new UserDeletionFailed(command.userId(), "immediate_deletion_needs_reason"));
      return;
    }
    // PostgreSQL keeps microseconds: a schedule must read back exactly as it was announced.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Instant askedAt = command.requestedAt() != null ? command.requestedAt() : sentAt(context, now);
    Optional<Instant> cancelledAt = deletions.latestCancel(command.userId());
    if (cancelledAt.isPresent() && !askedAt.isAfter(cancelledAt.get())) {
      context.emit(new UserDeletionFailed(command.userId(), "cancelled_later"));
      return;
    }
    if (existing.isPresent() && existing.get().status() == UserDeletion.Status.SCHEDULED
        && !command.isImmediate()) {
      context.emit(new UserDeletionScheduled(command.userId(), existing.get().hardDeleteAfter()));
      return;
    }
    Instant softDeletedAt = user.get().orElse(now);
    if (user.get().isEmpty()) {
      deletions.softDelete(command.userId(), softDeletedAt);
    }
    Instant hardDeleteAfter = command.isImmediate() ? now : softDeletedAt.plus(properties.grace());
    deletions.schedule(command.userId(), command.requestedBy(), command.reason(), askedAt, softDeletedAt,
        hardDeleteAfter, command.isImmediate(), context.envelope().correlationId());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("requested_by", command.requestedBy());
    details.put("reason", command.reason());
    details.put("hard_delete_after", hardDeleteAfter.toString());
    details.put("retention_period", command.isImmediate() ? "none: immediate" : properties.grace().toDays() + " days");
    audit.record(command.userId(), command.isImmediate() ? "account_deletion_forced" : "account_deletion_requested",
        command.requestedBy(), details);
    context.emit(new UserDeletionScheduled(command.userId(), hardDeleteAfter));
  }

  /**
   * Restores a scheduled account, unless the schedule comes from a request newer than this cancel; after the
   * hard delete it is too late. Every cancel is remembered, so that an older request handled later loses.
   */
  public void cancel(UserDeletionCancelled command, HandlingContext context) {
    Optional<Optional<Instant>> user = deletions.lockUser(command.userId());
    Optional<UserDeletion> existing = deletions.lock(command.userId());
    UserDeletion.Status status = existing.map(UserDeletion::status).orElse(null);
    if (status != null && status.rowsDeleted()) {
      context.emit(new UserDeletionFailed(command.userId(), "already_deleted"));
      return;
    }
    Instant cancelledAt = sentAt(context, clock.instant().truncatedTo(ChronoUnit.MICROS));
    deletions.recordCancel(command.userId(), cancelledAt, command.requestedBy());
    if (status != UserDeletion.Status.SCHEDULED || user.isEmpty()) {
      context.emit(new UserDeletionFailed(command.userId(), "not_scheduled"));
      return;
    }
    if (existing.get().requestedAt().isAfter(cancelledAt)) {
      context.emit(new UserDeletionFailed(command.userId(), "requested_later"));
      return;
    }
    deletions.restore(command.userId());
    audit.record(command.userId(), "account_restored", command.requestedBy(),
        Map.of("requested_by", command.requestedBy(), "was_due", existing.get().hardDeleteAfter().toString()));
    context.emit(new UserRestored(command.userId()));
  }

  /** When the sender decided: the command's ce_time, else when it is handled. */
  private static Instant sentAt(HandlingContext context, Instant handledAt) {
    Instant time = context.envelope().time();
    return time != null ? time : handledAt;
  }
}
