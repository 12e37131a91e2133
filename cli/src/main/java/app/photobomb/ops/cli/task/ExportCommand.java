package app.photobomb.ops.cli.task;

import static app.photobomb.ops.common.events.MessageCatalog.USER_EXPORT_COMPLETED;
import static app.photobomb.ops.common.events.MessageCatalog.USER_EXPORT_FAILED;
import static app.photobomb.ops.common.events.MessageCatalog.USER_EXPORT_PROGRESSED;
import static app.photobomb.ops.common.events.MessageCatalog.USER_EXPORT_REQUESTED;

import app.photobomb.ops.cli.Connection;
import app.photobomb.ops.cli.follow.Answer;
import app.photobomb.ops.cli.follow.FollowOptions;
import app.photobomb.ops.cli.follow.Reply;
import app.photobomb.ops.cli.follow.Request;
import app.photobomb.ops.cli.follow.WaitDefaults;
import app.photobomb.ops.common.events.UserExportRequested;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code export USER_ID}: runbook task 8, a GDPR export, followed to its download link. */
@Command(name = "export", mixinStandardHelpOptions = true, defaultValueProvider = WaitDefaults.class,
    description = {
        "Exports a user's data (GDPR request): runbook task 8, step 1, which this replaces:",
        "  curl -X POST https://api.photobomb.app/api/v1/user/export -d '{\"user_id\": \"uuid\"}'",
        "Publishes UserExportRequested; the export-service builds the ZIP (metadata.json, photos/) and answers with",
        "a download link valid 7 days. Progress: photos exported."},
    footer = {"", "Ends on user-export-completed (exit 0, the link printed) or user-export-failed (exit 1: forbidden",
        "unless --requested-by is the user or one of the export-service's operators, PHOTOBOMB_EXPORT_OPERATORS, admin;",
        "unknown_user)."})
public final class ExportCommand implements Callable<Integer> {

  @Mixin
  Connection connection;

  @Mixin
  FollowOptions follow;

  @Parameters(paramLabel = "USER_ID", description = "the user whose data is exported")
  UUID userId;

  @Override
  public Integer call() {
    UUID exportId = UUID.randomUUID();
    return follow.publish(connection, Request.of(USER_EXPORT_REQUESTED,
        new UserExportRequested(exportId, userId, follow.requestedBy()),
        Reply.on(USER_EXPORT_PROGRESSED, p -> Answer.working("export " + p.exportId() + ": " + p.photosDone() + " of "
            + p.photosTotal() + " photos, " + p.bytesWritten() + " bytes", p.photosDone(), p.photosTotal(), "photos")),
        Reply.on(USER_EXPORT_COMPLETED, c -> Answer.completed("export " + c.exportId() + " ready: " + c.photoCount()
            + " photos, " + c.bytes() + " bytes, sha256 " + c.sha256() + "\ndownload (until " + c.expiresAt() + "): "
            + c.url())),
        Reply.on(USER_EXPORT_FAILED, f -> Answer.failed("export " + f.exportId() + " failed: " + f.reason()))));
  }
}
