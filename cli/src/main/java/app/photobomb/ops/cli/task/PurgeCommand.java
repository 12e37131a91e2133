package app.photobomb.ops.cli.task;

import static app.photobomb.ops.common.events.MessageCatalog.CACHE_PURGED;
import static app.photobomb.ops.common.events.MessageCatalog.CACHE_PURGE_FAILED;
import static app.photobomb.ops.common.events.MessageCatalog.CACHE_PURGE_REQUESTED;

import app.photobomb.ops.cli.Connection;
import app.photobomb.ops.cli.ExitCode;
import app.photobomb.ops.cli.follow.Answer;
import app.photobomb.ops.cli.follow.FollowOptions;
import app.photobomb.ops.cli.follow.Reply;
import app.photobomb.ops.cli.follow.Request;
import app.photobomb.ops.cli.follow.WaitDefaults;
import app.photobomb.ops.common.events.CachePurgeRequested;
import app.photobomb.ops.common.events.CachePurged;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code purge URL... | --photo ID... | --everything --confirm}: runbook task 7, CDN cache purges. */
@Command(name = "purge", mixinStandardHelpOptions = true, defaultValueProvider = WaitDefaults.class,
    description = {
        "Purges the CDN cache: runbook task 7, which this replaces:",
        "  curl -X POST \"https://api.cloudflare.com/client/v4/zones/$ZONE_ID/purge_cache\" \\",
        "    --data '{\"files\": [\"https://cdn.photobomb.app/thumb/photo123/256.webp\", ...]}'",
        "  curl -X POST ... --data '{\"purge_everything\":true}'   # use sparingly, causes origin load spike",
        "Publishes CachePurgeRequested; the cdn-service purges within the plan's rate limits and checks the URLs",
        "afterwards (cf-cache-status MISS). --photo purges every thumbnail size of the photo."},
    footer = {"", "Ends on cache-purged (exit 0, the counts) or cache-purge-failed (exit 1: invalid_request,",
        "confirmation_required, not_allowed, too_soon, Cloudflare's error)."})
public final class PurgeCommand implements Callable<Integer> {

  @Mixin
  Connection connection;

  @Mixin
  FollowOptions follow;

  @Parameters(paramLabel = "URL", arity = "0..*", description = "CDN URLs to purge")
  List<String> urls;

  @Option(names = "--photo", paramLabel = "ID", split = ",", arity = "1..*",
      description = "photos whose every thumbnail size is purged")
  List<UUID> photos;

  @Option(names = "--everything", description = "purge the whole zone's cache (needs --confirm)")
  boolean everything;

  @Option(names = "--confirm", description = "confirms --everything")
  boolean confirm;

  @Override
  public Integer call() {
    boolean targets = urls != null || photos != null;
    if (everything == targets) {
      throw new ExitCode.BadInputException("name what to purge: URL..., --photo ID..., or --everything --confirm");
    }
    if (everything && !confirm) {
      throw new ExitCode.BadInputException("--everything empties the whole zone's cache and causes an origin load "
          + "spike: add --confirm");
    }
    if (confirm && !everything) {
      throw new ExitCode.BadInputException("--confirm goes with --everything");
    }
    UUID purgeId = UUID.randomUUID();
    return follow.publish(connection, Request.of(CACHE_PURGE_REQUESTED,
        new CachePurgeRequested(purgeId, urls, photos, everything, confirm, follow.requestedBy()),
        Reply.on(CACHE_PURGED, PurgeCommand::purged),
        Reply.on(CACHE_PURGE_FAILED, f -> Answer.failed("purge " + f.purgeId() + " failed: " + f.reason()))));
  }

  private static Answer purged(CachePurged purged) {
    String checked = purged.checkedUrls() == null ? "" : "; " + purged.checkedUrls() + " checked afterwards, "
        + purged.checkedMisses() + " answered MISS";
    return Answer.completed("purged " + purged.urlCount() + " URLs in " + purged.requestCount() + " purge calls"
        + checked);
  }
}
