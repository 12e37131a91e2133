package app.photobomb.ops.platform.rotation;

import static app.photobomb.ops.platform.rotation.SecretVersions.added;
import static app.photobomb.ops.platform.rotation.SecretVersions.before;

import app.photobomb.ops.platform.saga.Step;
import app.photobomb.ops.platform.saga.StepContext;
import app.photobomb.ops.platform.saga.StepOutcome;
import com.google.cloud.secretmanager.v1.SecretVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The steps after the verification: revoke the old B2 key and Cloudflare token, disable superseded versions. None is
 * undone when a later one fails (the new secrets serve already; undoing would revoke what works), so each keeps the
 * effects and says what is left to do by hand.
 */
final class RevokeSteps {

  private RevokeSteps() {
  }

  /** B2 delete-old, last: the workers run on the new key (verified). */
  record RevokeB2Key(Rotation rotation) implements Step {

    @Override
    public String name() {
      return "revoke-b2-key";
    }

    @Override
    public String resource() {
      return "b2: the old application key (delete)";
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      String old = context.fact(Rotation.OLD_B2_KEY).orElseThrow();
      return StepOutcome.done("old B2 key " + old + (rotation.b2().delete(old) ? " deleted" : " was gone already"));
    }

    @Override
    public boolean failureKeepsEffects() {
      return true;
    }
  }

  /** Cloudflare delete-old, last (DELETE /user/tokens/{id}). */
  record RevokeCloudflareToken(Rotation rotation) implements Step {

    @Override
    public String name() {
      return "revoke-cloudflare-token";
    }

    @Override
    public String resource() {
      return "cloudflare: the old API token (delete)";
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      String old = context.fact(Rotation.OLD_TOKEN).orElseThrow();
      return StepOutcome.done("old Cloudflare token " + old + (rotation.cloudflare().delete(old) ? " deleted"
          : " was gone already"));
    }

    @Override
    public boolean failureKeepsEffects() {
      return true;
    }
  }

  /**
   * Disables the versions before the last-known-good one whose successor is older than the grace window: the version
   * that served until now stays enabled until the next rotation (the previous database user's password with it), so
   * anything still holding it keeps working.
   */
  record DisableOldVersions(Rotation rotation) implements Step {

    @Override
    public String name() {
      return "disable-old-versions";
    }

    @Override
    public String resource() {
      return "secret manager " + String.join(", ", rotation.secretIds()) + ": versions before the last-known-good, "
          + "superseded more than " + rotation.properties().grace() + " ago";
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public StepOutcome run(StepContext context) {
      List<String> disabled = new ArrayList<>();
      List<String> versions = new ArrayList<>();
      for (String secret : rotation.secretIds()) {
        long lastKnownGood = Long.parseLong(context.fact(before(secret)).orElseThrow());
        Map<Long, SecretVersions.Version> all = rotation.secrets().versions(secret).stream()
            .collect(Collectors.toMap(SecretVersions.Version::number, Function.identity()));
        for (SecretVersions.Version version : all.values()) {
          SecretVersions.Version successor = all.get(version.number() + 1);
          boolean superseded = successor != null && !successor.created().plus(rotation.properties().grace())
              .isAfter(context.now());
          if (version.number() < lastKnownGood && version.state() == SecretVersion.State.ENABLED && superseded
              && rotation.secrets().disable(secret, version.number())) {
            disabled.add(secret + "@" + version.number());
          }
        }
        versions.add(secret + "@" + context.fact(added(secret)).orElse("?"));
      }
      context.result("versions", String.join(",", versions));
      return StepOutcome.done((disabled.isEmpty() ? "no version to disable" : "disabled " + disabled)
          + "; new " + versions + ", the previous ones stay enabled until the next rotation");
    }

    @Override
    public boolean failureKeepsEffects() {
      return true;
    }
  }
}
