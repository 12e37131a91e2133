package app.photobomb.ops.platform.rollback;

import app.photobomb.ops.common.events.DeploymentRollbackRequested;
import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.platform.google.CloudRunService;
import app.photobomb.ops.platform.google.GoogleProperties;
import app.photobomb.ops.platform.kubernetes.KubernetesProperties;
import app.photobomb.ops.platform.saga.Plan;
import app.photobomb.ops.platform.saga.Saga;
import app.photobomb.ops.platform.saga.Step;
import com.google.cloud.run.v2.RevisionsClient;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Runbook task 5 as a saga: find the revision to go back to, route all traffic to it, {@code rollout undo} the
 * workers, then verify for the configured time (health endpoint, error rate) with a failure budget.
 */
@Component
public class DeploymentRollbackSaga implements Saga<DeploymentRollbackRequested> {

  private final CloudRunService cloudRun;
  private final KubernetesClient kubernetes;
  private final KubernetesProperties kubernetesProperties;
  private final ReleaseHealth health;
  private final RollbackProperties properties;

  DeploymentRollbackSaga(ServicesClient services, RevisionsClient revisions, GoogleProperties google,
      KubernetesClient kubernetes, KubernetesProperties kubernetesProperties, ReleaseHealth health,
      RollbackProperties properties) {
    this.cloudRun = new CloudRunService(services, revisions, google, properties.service());
    this.kubernetes = kubernetes;
    this.kubernetesProperties = kubernetesProperties;
    this.health = health;
    this.properties = properties;
  }

  @Override
  public String name() {
    return "rollback";
  }

  @Override
  public MessageType<DeploymentRollbackRequested> commandType() {
    return MessageCatalog.DEPLOYMENT_ROLLBACK_REQUESTED;
  }

  @Override
  public Plan plan(DeploymentRollbackRequested command) {
    List<Step> steps = new ArrayList<>();
    steps.add(new TrafficSteps.FindTarget(cloudRun, command));
    steps.add(new TrafficSteps.RouteTraffic(cloudRun, properties, command));
    if (command.workers() != null && !command.workers().isEmpty()) {
      steps.add(new UndoWorkers(kubernetes, kubernetesProperties.namespace(), command));
    }
    int checks = checks(command);
    steps.add(new Verify(health, properties, checks, checks + " checks every " + properties.checkInterval() + " of "
        + properties.healthUrl() + (properties.prometheusUrl().isBlank() ? "" : " and the error rate (at most "
        + properties.maxErrorRate() + ") in " + properties.prometheusUrl()) + ", at most " + properties.failureLimit()
        + " failed"));
    return new Plan(steps);
  }

  @Override
  public List<String> notes(DeploymentRollbackRequested command, Plan plan) {
    List<String> notes = new ArrayList<>();
    try {
      Service service = cloudRun.get();
      notes.add("serving now: " + TrafficSteps.describe(service) + " of " + cloudRun.name());
    } catch (RuntimeException e) {
      notes.add("the service " + cloudRun.name() + " could not be read (" + e.getMessage() + ")");
    }
    notes.add("verification: " + checks(command) + " checks, one every " + properties.checkInterval() + " ("
        + duration(command) + "); more than " + properties.failureLimit() + " failed checks fail it");
    notes.add("a failed verification keeps the rollback in place (traffic is not routed back to the release rolled "
        + "back from): the failure's reason says what was seen");
    return notes;
  }

  private int checks(DeploymentRollbackRequested command) {
    return properties.checksFor(duration(command));
  }

  private Duration duration(DeploymentRollbackRequested command) {
    return command.verifyMinutes() == null ? properties.verifyDuration()
        : Duration.ofMinutes(command.verifyMinutes());
  }
}
