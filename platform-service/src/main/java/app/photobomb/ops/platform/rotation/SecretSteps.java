package app.photobomb.ops.platform.rotation;

import static app.photobomb.ops.platform.rotation.SecretVersions.added;
import static app.photobomb.ops.platform.rotation.SecretVersions.before;

import app.photobomb.ops.platform.google.CloudRunService;
import app.photobomb.ops.platform.google.CloudSql;
import app.photobomb.ops.platform.saga.Step;
import app.photobomb.ops.platform.saga.StepContext;
import app.photobomb.ops.platform.saga.StepOutcome;
import com.backblaze.b2.client.structures.B2ApplicationKey;
import com.backblaze.b2.client.structures.B2CreatedApplicationKey;
import com.google.api.services.sqladmin.model.Operation;
import com.google.cloud.run.v2.Service;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The steps that read the current secrets and make the new ones, each undone by disabling or deleting them. */
final class SecretSteps {

  private SecretSteps() {
  }

  /**
   * Reads what is live before anything changes: each secret's newest enabled version (the last-known-good), the live
   * database user (so the idle one is rotated), the old B2 key's and Cloudflare token's ids, the API's revision.
   */
  record ReadCurrent(Rotation rotation) implements Step {

    @Override
    public String name() {
      return "read-current";
    }

    @Override
    public String resource() {
      return "secret manager " + String.join(", ", rotation.secretIds()) + "; cloud run service "
          + rotation.api().name();
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      SecretVersions secrets = rotation.secrets();
      List<String> read = new ArrayList<>();
      for (String secret : rotation.secretIds()) {
        long version = secrets.newestEnabled(secret);
        if (version == 0) {
          return StepOutcome.fail("secret " + secret + " has no enabled version: add the value in use now "
              + "(gcloud secrets versions add " + secret + "), then rotate");
        }
        context.remember(before(secret), Long.toString(version));
        context.remember(SecretVersions.seen(secret), Long.toString(secrets.newest(secret)));
        read.add(secret + "@" + version);
      }
      List<String> detail = new ArrayList<>(List.of("versions " + String.join(", ", read)));
      if (rotation.rotates(Rotation.DATABASE)) {
        RotationProperties.Database database = rotation.properties().database();
        String live = secrets.value(database.userSecret(), version(context, database.userSecret()));
        if (database.users().size() != 2 || !database.users().contains(live)) {
          return StepOutcome.fail("the live database user " + live + " (" + database.userSecret() + ") is not one of "
              + "the two alternating users " + database.users() + ": set photobomb.platform.rotation.database.users");
        }
        String idle = database.users().get(1 - database.users().indexOf(live));
        List<String> users = rotation.cloudSql().users(database.instance());
        if (!users.contains(idle)) {
          return StepOutcome.fail("the idle database user " + idle + " does not exist in " + database.instance()
              + ": create it with the live user's grants (deploy/database/roles.sql), then rotate");
        }
        context.remember(Rotation.LIVE_USER, live);
        context.remember(Rotation.IDLE_USER, idle);
        detail.add("database user " + live + " live, " + idle + " idle");
      }
      if (rotation.rotates(Rotation.B2)) {
        String keyId = secrets.value(rotation.properties().b2().keyIdSecret(),
            version(context, rotation.properties().b2().keyIdSecret()));
        if (rotation.b2().find(keyId).isEmpty()) {
          return StepOutcome.fail("the B2 key " + keyId + " named by " + rotation.properties().b2().keyIdSecret()
              + " is not listed by B2 for the admin key: check the secret and the admin key's account");
        }
        context.remember(Rotation.OLD_B2_KEY, keyId);
        detail.add("B2 key " + keyId);
      }
      if (rotation.rotates(Rotation.CLOUDFLARE)) {
        String secret = rotation.properties().cloudflare().tokenSecret();
        Optional<String> id = rotation.cloudflare().idOf(secrets.value(secret, version(context, secret)));
        if (id.isEmpty()) {
          return StepOutcome.fail("the Cloudflare token in " + secret + "@" + version(context, secret)
              + " is not live: put the token in use into the secret, then rotate");
        }
        context.remember(Rotation.OLD_TOKEN, id.get());
        detail.add("Cloudflare token " + id.get());
      }
      Service service = rotation.api().get();
      context.remember(Rotation.PREVIOUS_REVISION, CloudRunService.servingRevision(service));
      detail.add("API revision " + CloudRunService.servingRevision(service));
      return StepOutcome.done(String.join("; ", detail));
    }
  }

  /**
   * A new password for the idle database user: first a new version of the password secret (so the value lives in
   * Secret Manager, never in the facts), then users.update of the idle user with it, polled until done. Nobody
   * connects as the idle user, so nothing breaks (the runbook's set-password on the live user did). Run again after
   * a crash lost the operation's name, it finds the operation in the instance's list instead of updating again.
   */
  record SetIdlePassword(Rotation rotation) implements Step {

    private static final String OPERATION = "database.passwordOperation";

    @Override
    public String name() {
      return "set-idle-password";
    }

    @Override
    public String resource() {
      RotationProperties.Database database = rotation.properties().database();
      return "cloud sql " + database.instance() + ": the idle one of " + database.users() + "; secret manager "
          + database.passwordSecret();
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      RotationProperties.Database database = rotation.properties().database();
      String idle = context.fact(Rotation.IDLE_USER).orElseThrow();
      long version = rotation.secrets().addOnce(context, database.passwordSecret(),
          () -> Rotation.generate(database.passwordBytes()));
      Optional<String> started = started(context);
      if (started.isEmpty()) {
        Operation operation = rotation.cloudSql().setPassword(database.instance(), idle,
            rotation.secrets().value(database.passwordSecret(), version));
        context.remember(OPERATION, operation.getName());
        return StepOutcome.waitFor(rotation.properties().pollInterval(), "setting the password of " + idle
            + " (" + database.passwordSecret() + "@" + version + "): operation " + operation.getName());
      }
      CloudSql.Polled polled = rotation.cloudSql().poll(started.get());
      if (!polled.done()) {
        return StepOutcome.waitFor(rotation.properties().pollInterval(), "operation " + started.get() + " "
            + polled.status());
      }
      if (polled.failed()) {
        return StepOutcome.fail("setting the password of " + idle + " failed (operation " + started.get() + ": "
            + polled.error() + "); the live user is untouched: check the instance, then rotate again");
      }
      return StepOutcome.done("password of " + idle + " set from " + database.passwordSecret() + "@" + version);
    }

    @Override
    public boolean undoable() {
      return true;
    }

    @Override
    public StepOutcome undo(StepContext context) throws Exception {
      Optional<String> started = started(context);
      if (started.isPresent() && !rotation.cloudSql().poll(started.get()).done()) {
        // the instance takes one operation at a time: the next rotation would be refused while it runs
        return StepOutcome.waitFor(rotation.properties().pollInterval(), "waiting for operation " + started.get()
            + " (the idle user's password) to end before undoing");
      }
      // the idle user keeps its new password: nobody uses it, and the next rotation sets another
      return StepOutcome.done(rotation.secrets().disableAdded(context, rotation.properties().database()
          .passwordSecret()) + "; " + context.fact(Rotation.IDLE_USER).orElse("the idle user")
          + " keeps the new password (idle)");
    }

    /**
     * The users.update this rotation started: its stored name or, when a crash lost it, the instance's UPDATE_USER
     * operation inserted after the new password version was added (the update is always sent after the add).
     */
    private Optional<String> started(StepContext context) throws IOException {
      Optional<String> stored = context.fact(OPERATION);
      String secret = rotation.properties().database().passwordSecret();
      Optional<String> version = context.fact(added(secret));
      if (stored.isPresent() || version.isEmpty()) {
        return stored;
      }
      // to the second: Secret Manager's times have nanoseconds, Cloud SQL's milliseconds
      Instant added = rotation.secrets().created(secret, Long.parseLong(version.get())).truncatedTo(ChronoUnit.SECONDS);
      Optional<String> found = rotation.cloudSql().latestOperation(rotation.properties().database().instance(),
          "UPDATE_USER", added).map(Operation::getName);
      found.ifPresent(name -> context.remember(OPERATION, name));
      return found;
    }
  }

  /** The switch: a new version of the user-name secret naming the idle user, which becomes the live one. */
  record SwitchDatabaseUser(Rotation rotation) implements Step {

    @Override
    public String name() {
      return "switch-database-user";
    }

    @Override
    public String resource() {
      return "secret manager " + rotation.properties().database().userSecret();
    }

    @Override
    public StepOutcome run(StepContext context) {
      String idle = context.fact(Rotation.IDLE_USER).orElseThrow();
      String secret = rotation.properties().database().userSecret();
      long version = rotation.secrets().addOnce(context, secret, () -> idle);
      context.result("databaseUser", idle);
      return StepOutcome.done(secret + "@" + version + " names " + idle + "; "
          + context.fact(Rotation.LIVE_USER).orElse("") + " stays as the last-known-good until the next rotation");
    }

    @Override
    public boolean undoable() {
      return true;
    }

    @Override
    public StepOutcome undo(StepContext context) {
      return StepOutcome.done(rotation.secrets().disableAdded(context, rotation.properties().database().userSecret()));
    }
  }

  /** A new JWT signing secret version; the old stays enabled, and the API accepts both while it switches. */
  record RotateJwt(Rotation rotation) implements Step {

    @Override
    public String name() {
      return "rotate-jwt-secret";
    }

    @Override
    public String resource() {
      return "secret manager " + rotation.properties().jwt().secret();
    }

    @Override
    public StepOutcome run(StepContext context) {
      RotationProperties.Jwt jwt = rotation.properties().jwt();
      long version = rotation.secrets().addOnce(context, jwt.secret(), () -> Rotation.generate(jwt.bytes()));
      return StepOutcome.done(jwt.secret() + "@" + version + " added; @" + context.fact(before(jwt.secret()))
          .orElse("?") + " stays enabled");
    }

    @Override
    public boolean undoable() {
      return true;
    }

    @Override
    public StepOutcome undo(StepContext context) {
      return StepOutcome.done(rotation.secrets().disableAdded(context, rotation.properties().jwt().secret()));
    }
  }

  /**
   * B2 create-new first (b2-sdk createKey, the old key's capabilities, named after the operation), its id and key
   * into Secret Manager at once: the key is shown only in the create's answer. Run again, the named key is found; if
   * its key never reached Secret Manager it is deleted and made again.
   */
  record CreateB2Key(Rotation rotation) implements Step {

    @Override
    public String name() {
      return "create-b2-key";
    }

    @Override
    public String resource() {
      RotationProperties.B2 b2 = rotation.properties().b2();
      return "b2 key " + rotation.createdName() + "; secret manager " + b2.keyIdSecret() + ", " + b2.keySecret();
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      RotationProperties.B2 b2 = rotation.properties().b2();
      Optional<String> known = context.fact(Rotation.NEW_B2_KEY);
      if (known.isPresent()) {
        return StepOutcome.done("B2 key " + known.get() + " created already");
      }
      Optional<B2ApplicationKey> existing = rotation.b2().named(rotation.createdName());
      String keyId;
      if (existing.isPresent() && rotation.secrets().addedSince(context, b2.keySecret())) {
        keyId = existing.get().getApplicationKeyId();
        rotation.secrets().addOnce(context, b2.keySecret(), () -> {
          throw new IllegalStateException("the new key's secret is in Secret Manager already");
        });
      } else {
        for (B2ApplicationKey orphan : rotation.b2().allNamed(rotation.createdName())) {
          // made by a run that crashed before storing it: its key is lost, so it must go
          rotation.b2().delete(orphan.getApplicationKeyId());
        }
        B2ApplicationKey old = rotation.b2().find(context.fact(Rotation.OLD_B2_KEY).orElseThrow())
            .orElseThrow(() -> new IllegalStateException("the old B2 key is gone"));
        B2CreatedApplicationKey created = rotation.b2().create(rotation.createdName(), old);
        keyId = created.getApplicationKeyId();
        rotation.secrets().addOnce(context, b2.keySecret(), created::getApplicationKey);
      }
      long idVersion = rotation.secrets().addOnce(context, b2.keyIdSecret(), () -> keyId);
      context.remember(Rotation.NEW_B2_KEY, keyId);
      context.result("b2KeyId", keyId);
      return StepOutcome.done("B2 key " + keyId + " (" + rotation.createdName() + ") created; " + b2.keySecret() + "@"
          + context.fact(added(b2.keySecret())).orElseThrow() + ", " + b2.keyIdSecret() + "@" + idVersion);
    }

    @Override
    public boolean undoable() {
      return true;
    }

    @Override
    public StepOutcome undo(StepContext context) throws Exception {
      RotationProperties.B2 b2 = rotation.properties().b2();
      // every key named after the operation is its own, those whose key never reached Secret Manager too
      Set<String> keyIds = new LinkedHashSet<>();
      context.fact(Rotation.NEW_B2_KEY).ifPresent(keyIds::add);
      rotation.b2().allNamed(rotation.createdName()).forEach(key -> keyIds.add(key.getApplicationKeyId()));
      List<String> deleted = new ArrayList<>();
      for (String keyId : keyIds) {
        if (rotation.b2().delete(keyId)) {
          deleted.add(keyId);
        }
      }
      return StepOutcome.done((deleted.isEmpty() ? "no B2 key to delete" : "B2 key " + deleted + " deleted") + "; "
          + rotation.secrets().disableAdded(context, b2.keySecret()) + "; "
          + rotation.secrets().disableAdded(context, b2.keyIdSecret()));
    }
  }

  /**
   * Cloudflare create-new (POST /user/tokens, named after the operation; never "roll", which kills the old token at
   * once), its value into Secret Manager at once. Run again, a version added since the read is this token's, and
   * verify tells its id; with none, a token of that name is deleted (its value is lost) before another is made.
   */
  record CreateCloudflareToken(Rotation rotation) implements Step {

    @Override
    public String name() {
      return "create-cloudflare-token";
    }

    @Override
    public String resource() {
      return "cloudflare token " + rotation.createdName() + "; secret manager "
          + rotation.properties().cloudflare().tokenSecret();
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      String secret = rotation.properties().cloudflare().tokenSecret();
      Optional<String> known = context.fact(Rotation.NEW_TOKEN);
      if (known.isPresent()) {
        return StepOutcome.done("Cloudflare token " + known.get() + " created already");
      }
      String id;
      if (rotation.secrets().addedSince(context, secret)) {
        long version = rotation.secrets().addOnce(context, secret, () -> {
          throw new IllegalStateException("the new token is in Secret Manager already");
        });
        Optional<String> stored = rotation.cloudflare().idOf(rotation.secrets().value(secret, version));
        if (stored.isEmpty()) {
          return StepOutcome.fail("the token in " + secret + "@" + version + " (added by this rotation) is not live: "
              + "someone deleted it; rotate again");
        }
        id = stored.get();
      } else {
        for (String orphan : rotation.cloudflare().named(rotation.createdName())) {
          // made by a run whose value never reached Secret Manager: the value is lost, so the token must go
          rotation.cloudflare().delete(orphan);
        }
        CloudflareTokens.Created created = rotation.cloudflare().create(rotation.createdName());
        rotation.secrets().addOnce(context, secret, created::value);
        id = created.id();
      }
      context.remember(Rotation.NEW_TOKEN, id);
      return StepOutcome.done("Cloudflare token " + id + " (" + rotation.createdName() + ") created; " + secret + "@"
          + context.fact(added(secret)).orElseThrow());
    }

    @Override
    public boolean undoable() {
      return true;
    }

    @Override
    public StepOutcome undo(StepContext context) throws Exception {
      String secret = rotation.properties().cloudflare().tokenSecret();
      Optional<String> id = context.fact(Rotation.NEW_TOKEN);
      if (id.isEmpty() && context.fact(SecretVersions.seen(secret)).isPresent()
          && rotation.secrets().addedSince(context, secret)) {
        long version = rotation.secrets().newest(secret);
        id = rotation.cloudflare().idOf(rotation.secrets().value(secret, version));
      }
      // every token named after the operation is its own, those whose value never reached Secret Manager too
      Set<String> ids = new LinkedHashSet<>(rotation.cloudflare().named(rotation.createdName()));
      id.ifPresent(ids::add);
      List<String> deleted = new ArrayList<>();
      for (String token : ids) {
        if (rotation.cloudflare().delete(token)) {
          deleted.add(token);
        }
      }
      return StepOutcome.done((deleted.isEmpty() ? "no Cloudflare token to delete" : "Cloudflare token " + deleted
          + " deleted") + "; " + rotation.secrets().disableAdded(context, secret));
    }
  }

  static long version(StepContext context, String secret) {
    return Long.parseLong(context.fact(before(secret)).orElseThrow());
  }
}
