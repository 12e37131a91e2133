package app.photobomb.ops.platform.rotation;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.SecretRotationRequested;
import app.photobomb.ops.platform.google.CloudRunService;
import app.photobomb.ops.platform.google.CloudSql;
import app.photobomb.ops.platform.google.GoogleProperties;
import app.photobomb.ops.platform.saga.Plan;
import app.photobomb.ops.platform.saga.Saga;
import app.photobomb.ops.platform.saga.Step;
import com.google.cloud.run.v2.RevisionsClient;
import com.google.cloud.run.v2.ServicesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Runbook task 2 as a saga with no downtime: read what is live, make the new secrets (the idle database user's
 * password, then the switch to it; JWT; B2 key and Cloudflare token created first), a Cloud Run revision pinned to
 * the new versions, the workers' Secret and restart, verify, and only then revoke the old key and token.
 */
@Component
public class SecretRotationSaga implements Saga<SecretRotationRequested> {

  private final RotationProperties properties;
  private final SecretVersions secrets;
  private final CloudSql cloudSql;
  private final B2Keys b2;
  private final CloudflareTokens cloudflare;
  private final CloudRunService api;
  private final WorkerRollout workers;

  SecretRotationSaga(RotationProperties properties, SecretVersions secrets, CloudSql cloudSql, B2Keys b2,
      CloudflareTokens cloudflare, ServicesClient services, RevisionsClient revisions, GoogleProperties google,
      WorkerRollout workers) {
    this.properties = properties;
    this.secrets = secrets;
    this.cloudSql = cloudSql;
    this.b2 = b2;
    this.cloudflare = cloudflare;
    this.api = new CloudRunService(services, revisions, google, properties.service());
    this.workers = workers;
  }

  @Override
  public String name() {
    return "secret-rotation";
  }

  @Override
  public MessageType<SecretRotationRequested> commandType() {
    return MessageCatalog.SECRET_ROTATION_REQUESTED;
  }

  @Override
  public Optional<String> refusal(SecretRotationRequested command) {
    List<String> unknown = command.effectiveSecrets().stream()
        .filter(secret -> !SecretRotationRequested.ALL.contains(secret)).toList();
    return unknown.isEmpty() ? Optional.empty()
        : Optional.of("unknown secrets " + unknown + ": name some of " + SecretRotationRequested.ALL);
  }

  @Override
  public Plan plan(SecretRotationRequested command) {
    Rotation rotation = rotation(command);
    List<Step> steps = new ArrayList<>();
    steps.add(new SecretSteps.ReadCurrent(rotation));
    if (rotation.rotates(Rotation.DATABASE)) {
      steps.add(new SecretSteps.SetIdlePassword(rotation));
      steps.add(new SecretSteps.SwitchDatabaseUser(rotation));
    }
    if (rotation.rotates(Rotation.JWT)) {
      steps.add(new SecretSteps.RotateJwt(rotation));
    }
    if (rotation.rotates(Rotation.B2)) {
      steps.add(new SecretSteps.CreateB2Key(rotation));
    }
    if (rotation.rotates(Rotation.CLOUDFLARE)) {
      steps.add(new SecretSteps.CreateCloudflareToken(rotation));
    }
    steps.add(new DeploySteps.DeployApiRevision(rotation));
    if (rotation.touchesWorkers()) {
      steps.add(new DeploySteps.RestartWorkers(rotation));
    }
    steps.add(new DeploySteps.Verify(rotation));
    if (rotation.rotates(Rotation.B2)) {
      steps.add(new RevokeSteps.RevokeB2Key(rotation));
    }
    if (rotation.rotates(Rotation.CLOUDFLARE)) {
      steps.add(new RevokeSteps.RevokeCloudflareToken(rotation));
    }
    steps.add(new RevokeSteps.DisableOldVersions(rotation));
    return new Plan(steps);
  }

  @Override
  public List<String> notes(SecretRotationRequested command, Plan plan) {
    Rotation rotation = rotation(command);
    List<String> notes = new ArrayList<>();
    notes.add("rotates " + String.join(", ", command.effectiveSecrets()) + " with no downtime: the old versions, key "
        + "and token keep working until the new ones are verified; only then are the old B2 key and Cloudflare "
        + "token deleted");
    if (rotation.rotates(Rotation.DATABASE)) {
      RotationProperties.Database database = properties.database();
      try {
        String live = secrets.value(database.userSecret(), secrets.newestEnabled(database.userSecret()));
        notes.add("database: " + live + " is live; the other of " + database.users() + " gets the new password, "
            + "then becomes live; " + live + " stays as the last-known-good until the next rotation");
      } catch (RuntimeException e) {
        notes.add("database: the live user could not be read from " + database.userSecret() + " (" + e.getMessage()
            + ")");
      }
    }
    if (rotation.rotates(Rotation.JWT)) {
      notes.add("jwt: the API must accept tokens signed with both the old and the new secret while it switches");
    }
    notes.add("superseded versions stay enabled at least " + properties.grace() + "; the last-known-good ones until "
        + "the next rotation");
    notes.add("an undo before the revoke steps routes the traffic back, disables the new versions and deletes the new "
        + "B2 key and Cloudflare token; the idle database user keeps its new password");
    return notes;
  }

  private Rotation rotation(SecretRotationRequested command) {
    return new Rotation(command, properties, secrets, cloudSql, b2, cloudflare, api, workers);
  }
}
