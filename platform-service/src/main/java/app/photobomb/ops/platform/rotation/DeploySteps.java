package app.photobomb.ops.platform.rotation;

import static app.photobomb.ops.platform.rotation.SecretVersions.added;

import app.photobomb.ops.platform.google.CloudRunService;
import app.photobomb.ops.platform.google.ServingTemplate;
import app.photobomb.ops.platform.saga.Step;
import app.photobomb.ops.platform.saga.StepContext;
import app.photobomb.ops.platform.saga.StepOutcome;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.protobuf.FieldMask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The steps that put the new secrets to use: the API's pinned revision, the workers' restart, the verification. */
final class DeploySteps {

  private DeploySteps() {
  }

  /**
   * A new revision of the API with every env var that names a rotated secret pinned to its new version, deployed with
   * the traffic kept where it is, then 100% of the traffic to it once it is ready. Each operation's name is stored
   * before it is polled; the revision is named after the operation, so a run again finds it. Undo: the traffic back
   * to the revision that served before.
   */
  record DeployApiRevision(Rotation rotation) implements Step {

    private static final String DEPLOY = "api.deployOperation";
    private static final String ROUTE = "api.routeOperation";
    private static final String RESTORE = "api.restoreOperation";
    private static final String REVISION = "api.revision";

    @Override
    public String name() {
      return "deploy-api-revision";
    }

    @Override
    public String resource() {
      return "cloud run service " + rotation.api().name() + ": a revision pinned to the new versions, then "
          + "100% of the traffic to it";
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public StepOutcome run(StepContext context) {
      String revision = revisionId();
      String previous = context.fact(Rotation.PREVIOUS_REVISION).orElseThrow();
      Optional<String> routing = context.fact(ROUTE);
      if (routing.isPresent()) {
        Optional<StepOutcome> pending = await(routing.get(), "routing all traffic to " + revision);
        if (pending.isPresent()) {
          return pending.get();
        }
        context.result("apiRevision", revision);
        return StepOutcome.done("100% of the traffic on " + revision + " (was " + previous + ")");
      }
      Optional<String> deploying = context.fact(DEPLOY);
      if (deploying.isEmpty()) {
        if (rotation.api().revision(revision).isEmpty()) {
          Map<String, Long> versions = new LinkedHashMap<>();
          rotation.secretIds().forEach(secret -> versions.put(secret, Long.parseLong(
              context.fact(added(secret)).orElseThrow())));
          Optional<Revision> serving = rotation.api().revision(previous);
          if (serving.isEmpty()) {
            return StepOutcome.fail("revision " + previous + ", which served when the rotation began, is gone: "
                + "route the traffic to the revision that should serve, then rotate again");
          }
          Service service = rotation.api().get();
          PinnedTemplate pinned = PinnedTemplate.of(ServingTemplate.of(service, serving.get()), revision, versions);
          if (pinned.count() == 0) {
            return StepOutcome.done("no env var of " + rotation.api().name() + " names a rotated secret ("
                + versions.keySet() + "): no revision needed");
          }
          String operation = rotation.api().update(deploy(pinned.template(), previous));
          context.remember(REVISION, revision);
          context.remember(DEPLOY, operation);
          return StepOutcome.waitFor(rotation.properties().pollInterval(), "deploying " + revision + " ("
              + pinned.count() + " secret env vars pinned to " + versions + "): operation " + operation);
        }
        context.remember(REVISION, revision);
        context.remember(DEPLOY, "found");
      } else if (!"found".equals(deploying.get())) {
        Optional<StepOutcome> pending = await(deploying.get(), "deploying " + revision);
        if (pending.isPresent()) {
          return pending.get();
        }
      }
      Optional<Revision> created = rotation.api().revision(revision);
      if (created.isEmpty() || !CloudRunService.isReady(created.get())) {
        return StepOutcome.fail("revision " + revision + " is not ready: its logs say why (gcloud run revisions "
            + "describe " + revision + "); the traffic stays on " + previous);
      }
      String operation = rotation.api().updateTraffic(CloudRunService.allTo(revision));
      context.remember(ROUTE, operation);
      return StepOutcome.waitFor(rotation.properties().pollInterval(), revision + " ready; routing all traffic to it: "
          + "operation " + operation);
    }

    /** Empty when the operation is done well; else the outcome to answer (still running, or failed). */
    private Optional<StepOutcome> await(String name, String what) {
      CloudRunService.Polled operation = rotation.api().poll(name);
      if (!operation.done()) {
        return Optional.of(StepOutcome.waitFor(rotation.properties().pollInterval(), what + ": operation " + name
            + " running"));
      }
      if (operation.failed()) {
        return Optional.of(StepOutcome.fail(what + " failed (operation " + name + ": " + operation.error()
            + "); the new secret versions are disabled again and the traffic goes back to the revision that served "
            + "before"));
      }
      return Optional.empty();
    }

    /** The new revision with the traffic kept on {@code serving} (it moves only once the revision is ready). */
    private UpdateServiceRequest deploy(RevisionTemplate template, String serving) {
      return UpdateServiceRequest.newBuilder().setService(Service.newBuilder().setName(rotation.api().name())
          .setTemplate(template).addAllTraffic(CloudRunService.allTo(serving)))
          .setUpdateMask(FieldMask.newBuilder().addPaths("template").addPaths("traffic")).build();
    }

    private String revisionId() {
      return rotation.api().id() + "-rotation-" + rotation.command().operationId().toString().substring(0, 8);
    }

    @Override
    public boolean undoable() {
      return true;
    }

    @Override
    public StepOutcome undo(StepContext context) {
      if (context.fact(DEPLOY).isEmpty()) {
        return StepOutcome.done("no revision deployed");
      }
      String previous = context.fact(Rotation.PREVIOUS_REVISION).orElseThrow();
      Optional<String> restoring = context.fact(RESTORE);
      if (restoring.isPresent()) {
        CloudRunService.Polled operation = rotation.api().poll(restoring.get());
        if (!operation.done()) {
          return StepOutcome.waitFor(rotation.properties().pollInterval(), "routing the traffic back to " + previous);
        }
        if (operation.failed()) {
          return StepOutcome.fail("routing the traffic back to " + previous + " failed ("
              + operation.error() + "): gcloud run services update-traffic "
              + rotation.api().id() + " --to-revisions=" + previous + "=100");
        }
        return StepOutcome.done("100% of the traffic back on " + previous);
      }
      if (rotation.api().get().getTrafficList().equals(CloudRunService.allTo(previous))) {
        return StepOutcome.done("the traffic is on " + previous + " (it never moved)");
      }
      String operation = rotation.api().updateTraffic(CloudRunService.allTo(previous));
      context.remember(RESTORE, operation);
      return StepOutcome.waitFor(rotation.properties().pollInterval(), "routing the traffic back to " + previous
          + ": operation " + operation);
    }
  }

  /**
   * The workers' Kubernetes Secret gets the new database user and password and B2 key (values read from their new
   * Secret Manager versions, written to the Secret only), then {@code rollout restart} of each worker by its
   * template's restartedAt annotation, stored first so a run again sets the same one. Undo writes the last-known-good
   * values back and restarts them again.
   */
  record RestartWorkers(Rotation rotation) implements Step {

    private static final String STAMP = "workers.restartedAt";
    private static final String UNDO_STAMP = "workers.undoRestartedAt";

    @Override
    public String name() {
      return "restart-workers";
    }

    @Override
    public String resource() {
      RotationProperties.Workers workers = rotation.properties().workers();
      return "kubernetes secret " + rotation.workers().namespace() + "/" + workers.secret() + "; rollout restart of "
          + String.join(", ", workers.deployments());
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public StepOutcome run(StepContext context) {
      Optional<String> stamp = context.fact(STAMP);
      if (stamp.isEmpty()) {
        context.remember(STAMP, context.now().toString());
        return StepOutcome.waitFor(Duration.ZERO, "restarting the workers at " + context.now());
      }
      return apply(context, stamp.get(), values(context, true), "restarted");
    }

    @Override
    public boolean undoable() {
      return true;
    }

    @Override
    public StepOutcome undo(StepContext context) {
      if (context.fact(STAMP).isEmpty()) {
        return StepOutcome.done("the workers were not touched");
      }
      Optional<String> stamp = context.fact(UNDO_STAMP);
      if (stamp.isEmpty()) {
        context.remember(UNDO_STAMP, context.now().toString());
        return StepOutcome.waitFor(Duration.ZERO, "restarting the workers with the last-known-good secrets");
      }
      return apply(context, stamp.get(), values(context, false), "restarted with the last-known-good secrets");
    }

    private StepOutcome apply(StepContext context, String stamp, Map<String, String> values, String what) {
      RotationProperties.Workers workers = rotation.properties().workers();
      if (!rotation.workers().updateSecret(values)) {
        return StepOutcome.fail("kubernetes secret " + rotation.workers().namespace() + "/" + workers.secret()
            + " does not exist: create it with the keys " + values.keySet() + ", then rotate again");
      }
      List<String> restarted = new ArrayList<>();
      for (String worker : workers.deployments()) {
        long generation = rotation.workers().restart(worker, stamp);
        if (generation < 0) {
          return StepOutcome.fail("deployment " + rotation.workers().namespace() + "/" + worker + " does not exist: "
              + "fix photobomb.platform.rotation.workers.deployments");
        }
        context.remember("workers." + worker + ".generation", Long.toString(generation));
        restarted.add(worker + "@" + generation);
      }
      return StepOutcome.done(workers.secret() + " keys " + values.keySet() + " updated; " + what + " " + restarted);
    }

    /** The Secret's entries: the new versions' values, or (undo) the last-known-good ones read before. */
    private Map<String, String> values(StepContext context, boolean rotated) {
      RotationProperties properties = rotation.properties();
      SecretVersions secrets = rotation.secrets();
      Map<String, String> values = new LinkedHashMap<>();
      String which = rotated ? "new." : "before.";
      if (rotation.rotates(Rotation.DATABASE)) {
        String passwordSecret = properties.database().passwordSecret();
        values.put(properties.workers().databaseUserKey(),
            context.fact(rotated ? Rotation.IDLE_USER : Rotation.LIVE_USER).orElseThrow());
        values.put(properties.workers().databasePasswordKey(), secrets.value(passwordSecret,
            Long.parseLong(context.fact(which + passwordSecret).orElseThrow())));
      }
      if (rotation.rotates(Rotation.B2)) {
        RotationProperties.B2 b2 = properties.b2();
        values.put(properties.workers().b2KeyIdKey(), secrets.value(b2.keyIdSecret(),
            Long.parseLong(context.fact(which + b2.keyIdSecret()).orElseThrow())));
        values.put(properties.workers().b2KeyKey(), secrets.value(b2.keySecret(),
            Long.parseLong(context.fact(which + b2.keySecret()).orElseThrow())));
      }
      return values;
    }
  }

  /**
   * Verify before revoking: the workers' deployments report the restart rolled out (observedGeneration, updated and
   * available replicas: their pods started and passed readiness with the new credentials) and the API's login check
   * answers 2xx. Not verified within the timeout, the rotation is undone and nothing old is revoked.
   */
  record Verify(Rotation rotation) implements Step {

    @Override
    public String name() {
      return "verify";
    }

    @Override
    public String resource() {
      return (rotation.touchesWorkers() ? "rollout of " + String.join(", ", rotation.properties().workers()
          .deployments()) + "; " : "") + "login check " + rotation.properties().healthUrl();
    }

    @Override
    public StepOutcome run(StepContext context) throws InterruptedException {
      List<String> missing = new ArrayList<>();
      if (rotation.touchesWorkers()) {
        for (String worker : rotation.properties().workers().deployments()) {
          String notYet = rotation.workers().notRolledOut(worker,
              Long.parseLong(context.fact("workers." + worker + ".generation").orElse("0")));
          if (notYet != null) {
            missing.add(notYet);
          }
        }
      }
      String login = rotation.workers().loginCheckFails();
      if (login != null) {
        missing.add(login);
      }
      if (missing.isEmpty()) {
        return StepOutcome.done("workers rolled out; login check passed");
      }
      if (context.now().isAfter(context.stepStartedAt().plus(rotation.properties().verifyTimeout()))) {
        return StepOutcome.fail("not verified within " + rotation.properties().verifyTimeout() + ": "
            + String.join("; ", missing) + ". Nothing old was revoked: the new versions are disabled, the new B2 key "
            + "and Cloudflare token deleted, the workers restarted with the last-known-good secrets and the traffic "
            + "back on " + context.fact(Rotation.PREVIOUS_REVISION).orElse("the previous revision"));
      }
      return StepOutcome.waitFor(rotation.properties().pollInterval(), "waiting: " + String.join("; ", missing));
    }

    @Override
    public Duration timeout() {
      return rotation.properties().verifyTimeout().plus(Duration.ofMinutes(5));
    }
  }
}
