package app.photobomb.ops.cli.task;

import static app.photobomb.ops.common.events.MessageCatalog.USER_DELETION_CANCELLED;
import static app.photobomb.ops.common.events.MessageCatalog.USER_DELETION_FAILED;
import static app.photobomb.ops.common.events.MessageCatalog.USER_DELETION_REQUESTED;
import static app.photobomb.ops.common.events.MessageCatalog.USER_DELETION_SCHEDULED;
import static app.photobomb.ops.common.events.MessageCatalog.USER_HARD_DELETED;
import static app.photobomb.ops.common.events.MessageCatalog.USER_RESTORED;

import app.photobomb.ops.cli.Connection;
import app.photobomb.ops.cli.ExitCode;
import app.photobomb.ops.cli.follow.Answer;
import app.photobomb.ops.cli.follow.FollowOptions;
import app.photobomb.ops.cli.follow.Reply;
import app.photobomb.ops.cli.follow.Request;
import app.photobomb.ops.cli.follow.WaitDefaults;
import app.photobomb.ops.common.events.UserDeletionCancelled;
import app.photobomb.ops.common.events.UserDeletionRequested;
import app.photobomb.ops.common.events.UserHardDeleted;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code delete-user USER_ID [--cancel | --now --reason TEXT]}: runbook task 9, the account deletion. */
@Command(name = "delete-user", mixinStandardHelpOptions = true, defaultValueProvider = WaitDefaults.class,
    description = {
        "Deletes a user's account: runbook task 9, which this replaces:",
        "  SELECT user_id, email, deleted_at FROM users WHERE deleted_at < NOW() - INTERVAL '30 days';",
        "  BEGIN; DELETE FROM face_detections WHERE user_id = 'uuid'; ... DELETE FROM users ...; COMMIT;",
        "  b2_api.delete_file_version(photo.b2_key, photo.b2_file_id)",
        "Publishes UserDeletionRequested: the account is soft-deleted now and hard-deleted (rows, every stored",
        "object, CDN copies) after the 30-day grace period; --now deletes at once (an operator's legal request),",
        "--cancel (UserDeletionCancelled) restores it within the grace period."},
    footer = {"", "Ends on: user-deletion-scheduled (exit 0; with --now it is followed to user-hard-deleted, exit 0,",
        "with the counts), user-restored (--cancel: exit 0; with --now: exit 1, the account was restored first),",
        "user-deletion-failed (exit 1, its reason: unknown_user, already_deleted, not_scheduled, ...)."})
public final class DeleteUserCommand implements Callable<Integer> {

  @Mixin
  Connection connection;

  @Mixin
  FollowOptions follow;

  @Parameters(paramLabel = "USER_ID", description = "the account to delete")
  UUID userId;

  @Option(names = "--cancel", description = "withdraw the deletion within the grace period")
  boolean cancel;

  @Option(names = "--now", description = "delete at once instead of after the grace period (needs --reason)")
  boolean now;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why (audited); required with --now")
  String reason;

  @Override
  public Integer call() {
    if (cancel && (now || reason != null)) {
      throw new ExitCode.BadInputException("--cancel takes neither --now nor --reason");
    }
    if (now && (reason == null || reason.isBlank())) {
      throw new ExitCode.BadInputException("--now deletes at once and needs --reason TEXT (it is audited)");
    }
    Reply<?> failed = Reply.on(USER_DELETION_FAILED, f -> Answer.failed("deletion of " + f.userId() + ": "
        + f.reason()));
    if (cancel) {
      return follow.publish(connection, Request.of(USER_DELETION_CANCELLED,
          new UserDeletionCancelled(userId, follow.requestedBy()),
          Reply.on(USER_RESTORED, r -> Answer.completed("restored: the deletion of " + r.userId() + " is cancelled")),
          failed));
    }
    UserDeletionRequested request = new UserDeletionRequested(userId, follow.requestedBy(), reason, null,
        now ? Boolean.TRUE : null);
    return follow.publish(connection, Request.of(USER_DELETION_REQUESTED, request,
        Reply.on(USER_DELETION_SCHEDULED, s -> now
            ? Answer.working("scheduled for now: the hard delete runs at the service's next pass")
            : Answer.completed("scheduled: " + s.userId() + " is hard-deleted after " + s.hardDeleteAfter()
                + " (delete-user " + s.userId() + " --cancel restores it until then)")),
        Reply.on(USER_HARD_DELETED, DeleteUserCommand::hardDeleted),
        Reply.on(USER_RESTORED, r -> Answer.failed("not deleted: " + r.userId() + " was restored first")),
        failed));
  }

  private static Answer hardDeleted(UserHardDeleted deleted) {
    long rows = deleted.rowsDeleted().values().stream().mapToLong(Long::longValue).sum();
    return Answer.completed("hard-deleted " + deleted.userId() + ": " + rows + " rows " + deleted.rowsDeleted()
        + ", " + deleted.objectsDeleted() + " stored objects, " + deleted.bytesFreed() + " bytes freed");
  }
}
