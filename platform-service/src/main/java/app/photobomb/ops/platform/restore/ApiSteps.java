package app.photobomb.ops.platform.restore;

import app.photobomb.ops.common.events.BackupRestoreRequested;
import app.photobomb.ops.platform.google.CloudRunService;
import app.photobomb.ops.platform.google.ServingTemplate;
import app.photobomb.ops.platform.saga.Step;
import app.photobomb.ops.platform.saga.StepContext;
import app.photobomb.ops.platform.saga.StepOutcome;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.IngressTraffic;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.cloud.run.v2.Volume;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The Cloud Run steps of the restore saga: point the API at the restored instance, close and reopen it, check it. */
final class ApiSteps {

  static final String PREVIOUS_ROUTING = "previousRouting";

  private ApiSteps() {
  }

  /** Polls the stored operation: done, waiting, or failed with Cloud Run's error. */
  private static Optional<StepOutcome> awaited(CloudRunService api, RestoreProperties properties,
      StepContext context, String fact, String what) {
    Optional<String> operation = context.fact(fact);
    if (operation.isEmpty()) {
      return Optional.empty();
    }
    CloudRunService.Polled polled = api.poll(operation.get());
    if (!polled.done()) {
      return Optional.of(StepOutcome.waitFor(properties.pollInterval(), what + ": operation " + operation.get()));
    }
    context.forget(fact);
    return polled.failed() ? Optional.of(StepOutcome.fail(what + " failed: " + polled.error())) : Optional.empty();
  }

  /** Sends the whole service (etag included, so a concurrent edit fails) and answers the update's operation name. */
  private static String replace(CloudRunService api, Service.Builder service) {
    return api.update(UpdateServiceRequest.newBuilder().setService(service).build());
  }

  /**
   * A new revision of the API whose template names the restored instance (the environment variable and any Cloud
   * SQL volume), with all traffic on it. Undo: traffic back to the revisions that served before, and the template
   * back to the old instance (a revision that takes no traffic).
   */
  record SwitchApi(CloudRunService api, RestoreProperties properties, BackupRestoreRequested command) implements Step {

    private static final String OPERATION = "switchOperation";
    private static final String UNDO_OPERATION = "switchBackOperation";
    private static final String PREVIOUS_DATABASE = "previousDatabaseEnv";

    @Override
    public String name() {
      return "switch-api";
    }

    @Override
    public String resource() {
      return "cloud run service " + api.name() + ": a new revision with " + properties.databaseEnvVar() + " = "
          + SqlSteps.plannedNewInstance(command) + "'s connection name, 100% traffic";
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      String revision = api.id() + "-restore-" + context.operationId().toString().substring(0, 8);
      String connection = context.fact(SqlSteps.NEW_CONNECTION).orElseThrow();
      Optional<StepOutcome> waiting = awaited(api, properties, context, OPERATION, "switching the API to " + revision);
      if (waiting.isPresent()) {
        return waiting.get();
      }
      Service service = api.get();
      if (context.fact(PREVIOUS_ROUTING).isEmpty()) {
        context.remember(PREVIOUS_ROUTING, CloudRunService.routing(service));
        databaseOf(service.getTemplate()).ifPresent(value -> context.remember(PREVIOUS_DATABASE, value));
        context.result("previousRevision", CloudRunService.servingRevision(service));
        // committed before the switch: read again after a crash, the routing would already be the new revision's
        return StepOutcome.waitFor(Duration.ZERO, "serving before the switch: " + CloudRunService.routing(service));
      }
      if (CloudRunService.routing(service).equals(revision + "=100")) {
        context.result("revision", revision);
        context.result("rollbackInstance", command.instance());
        return StepOutcome.done("the API serves from revision " + revision + " (" + properties.databaseEnvVar() + "="
            + connection + "); rollback: traffic to " + context.fact(PREVIOUS_ROUTING).get() + " on "
            + command.instance());
      }
      Service.Builder updated = service.toBuilder().clearTraffic().addAllTraffic(CloudRunService.allTo(revision));
      // a second run after a crash finds its revision made already: only the traffic is sent again
      if (!service.getTemplate().getRevision().equals(revision)) {
        String servingId = CloudRunService.servingRevision(service);
        Revision serving = api.revision(servingId).orElseThrow(() -> new IllegalStateException("revision "
            + servingId + ", which serves " + api.name() + ", was not found"));
        updated.setTemplate(pointedAt(ServingTemplate.of(service, serving), revision, connection,
            context.fact("sourceConnectionName").orElse("")));
      }
      context.remember(OPERATION, replace(api, updated));
      return StepOutcome.waitFor(properties.pollInterval(), "new revision " + revision + " on " + connection);
    }

    private Optional<String> databaseOf(RevisionTemplate template) {
      return template.getContainersList().stream().flatMap(container -> container.getEnvList().stream())
          .filter(env -> env.getName().equals(properties.databaseEnvVar())).map(EnvVar::getValue).findFirst();
    }

    private RevisionTemplate pointedAt(RevisionTemplate template, String revision, String connection, String old) {
      RevisionTemplate.Builder changed = template.toBuilder().setRevision(revision).clearContainers().clearVolumes();
      boolean anyHasIt = template.getContainersList().stream().anyMatch(container -> container.getEnvList().stream()
          .anyMatch(env -> env.getName().equals(properties.databaseEnvVar())));
      for (int i = 0; i < template.getContainersCount(); i++) {
        Container container = template.getContainers(i);
        boolean hasIt = container.getEnvList().stream().anyMatch(env -> env.getName().equals(properties.databaseEnvVar()));
        if (hasIt || (!anyHasIt && i == 0)) {
          Container.Builder edited = container.toBuilder().clearEnv();
          container.getEnvList().stream().filter(env -> !env.getName().equals(properties.databaseEnvVar()))
              .forEach(edited::addEnv);
          edited.addEnv(EnvVar.newBuilder().setName(properties.databaseEnvVar()).setValue(connection));
          container = edited.build();
        }
        changed.addContainers(container);
      }
      for (Volume volume : template.getVolumesList()) {
        if (volume.hasCloudSqlInstance() && volume.getCloudSqlInstance().getInstancesList().contains(old)) {
          Volume.Builder edited = volume.toBuilder();
          edited.getCloudSqlInstanceBuilder().clearInstances().addAllInstances(volume.getCloudSqlInstance()
              .getInstancesList().stream().map(name -> name.equals(old) ? connection : name).toList());
          volume = edited.build();
        }
        changed.addVolumes(volume);
      }
      return changed.build();
    }

    @Override
    public boolean undoable() {
      return true;
    }

    @Override
    public StepOutcome undo(StepContext context) throws Exception {
      Optional<String> previous = context.fact(PREVIOUS_ROUTING);
      if (previous.isEmpty() || previous.get().isEmpty()) {
        return StepOutcome.done("traffic was never moved");
      }
      Optional<StepOutcome> waiting = awaited(api, properties, context, UNDO_OPERATION, "moving traffic back");
      if (waiting.isPresent()) {
        return waiting.get();
      }
      Service service = api.get();
      Optional<String> database = context.fact(PREVIOUS_DATABASE);
      // the template too, so that the next deployment (built from it) does not move to the restored instance
      boolean templateBack = database.isEmpty() || databaseOf(service.getTemplate()).equals(database);
      if (CloudRunService.routing(service).equals(previous.get()) && templateBack) {
        return StepOutcome.done("traffic back on " + previous.get() + " (" + command.instance() + "), template "
            + properties.databaseEnvVar() + " " + database.orElse("unchanged"));
      }
      Service.Builder back = service.toBuilder().clearTraffic().addAllTraffic(CloudRunService.pinned(previous.get()));
      if (!templateBack) {
        back.setTemplate(pointedAt(service.getTemplate(), "", database.get(),
            context.fact(SqlSteps.NEW_CONNECTION).orElse("")));
      }
      context.remember(UNDO_OPERATION, replace(api, back));
      return StepOutcome.waitFor(properties.pollInterval(), "moving traffic back to " + previous.get());
    }

    @Override
    public Duration timeout() {
      return Duration.ofMinutes(15);
    }
  }

  /** Sets the API's ingress: closed ({@code INGRESS_TRAFFIC_NONE}, the runbook's --no-traffic) or as it was. */
  record Ingress(CloudRunService api, RestoreProperties properties, boolean close) implements Step {

    private static final String PREVIOUS = "previousIngress";

    @Override
    public String name() {
      return close ? "close-api" : "reopen-api";
    }

    @Override
    public String resource() {
      return "cloud run service " + api.name() + (close ? ": ingress none (no requests reach it, so no writes)"
          : ": ingress as it was");
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      if (close && context.fact(PREVIOUS).isEmpty()) {
        context.remember(PREVIOUS, api.get().getIngress().name());
        // committed before closing: read again after a crash, it would be NONE, and reopen-api would keep it closed
        return StepOutcome.waitFor(Duration.ZERO, "ingress before closing: " + context.fact(PREVIOUS).get());
      }
      return set(context, close ? IngressTraffic.INGRESS_TRAFFIC_NONE : IngressTraffic.valueOf(
          context.fact(PREVIOUS).orElse(IngressTraffic.INGRESS_TRAFFIC_ALL.name())), "ingress");
    }

    private StepOutcome set(StepContext context, IngressTraffic wanted, String fact) throws Exception {
      Optional<StepOutcome> waiting = awaited(api, properties, context, fact + "Operation", "setting ingress " + wanted);
      if (waiting.isPresent()) {
        return waiting.get();
      }
      Service service = api.get();
      if (service.getIngress() == wanted) {
        return StepOutcome.done("ingress of " + api.name() + " is " + wanted);
      }
      context.remember(fact + "Operation", replace(api, service.toBuilder().setIngress(wanted)));
      return StepOutcome.waitFor(properties.pollInterval(), "setting ingress " + wanted);
    }

    @Override
    public boolean undoable() {
      return close;
    }

    @Override
    public StepOutcome undo(StepContext context) throws Exception {
      Optional<String> previous = context.fact(PREVIOUS);
      return previous.isEmpty() ? StepOutcome.done("the API was never closed")
          : set(context, IngressTraffic.valueOf(previous.get()), "undoIngress");
    }
  }

  /** Consecutive healthy answers of the API's health endpoint, within the health timeout. */
  record VerifyHealth(RestoreProperties properties, BackupRestoreRequested command, boolean inPlace,
      HttpClient http) implements Step {

    private static final String HEALTHY = "healthyAnswers";

    @Override
    public String name() {
      return "verify-health";
    }

    @Override
    public String resource() {
      return "GET " + properties.healthUrl() + ": " + properties.healthChecks() + " healthy answers in a row within "
          + properties.healthTimeout();
    }

    @Override
    public StepOutcome run(StepContext context) {
      String answer;
      try {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(properties.healthUrl())
            .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding());
        answer = "HTTP " + response.statusCode();
        if (response.statusCode() / 100 == 2) {
          int healthy = Integer.parseInt(context.fact(HEALTHY).orElse("0")) + 1;
          if (healthy >= properties.healthChecks()) {
            return StepOutcome.done(healthy + " healthy answers from " + properties.healthUrl());
          }
          context.remember(HEALTHY, String.valueOf(healthy));
          return StepOutcome.waitFor(properties.healthInterval(), healthy + " healthy answers");
        }
      } catch (IOException e) {
        answer = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        answer = "interrupted";
      }
      context.remember(HEALTHY, "0");
      if (context.now().isAfter(context.stepStartedAt().plus(properties.healthTimeout()))) {
        return StepOutcome.fail("check health: " + properties.healthUrl() + " answered " + answer + " (unhealthy for "
            + properties.healthTimeout() + ")" + (inPlace ? "" : " after the switch to "
            + context.fact(SqlSteps.NEW_INSTANCE).orElse("the new instance") + ", which is kept for inspection; "
            + "traffic goes back to " + context.fact(PREVIOUS_ROUTING).orElse("the previous revision") + " on "
            + command.instance()));
      }
      return StepOutcome.waitFor(properties.healthInterval(), "unhealthy: " + answer);
    }

    @Override
    public Duration timeout() {
      return properties.healthTimeout().plus(properties.healthTimeout());
    }
  }
}
