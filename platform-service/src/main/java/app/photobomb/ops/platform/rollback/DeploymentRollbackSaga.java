package app.photobomb.ops.platform.rollback;

import app.photobomb.ops.common.events.DeploymentRollbackRequested;
import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.platform.kubernetes.KubernetesProperties;
import app.photobomb.ops.platform.saga.Plan;
import app.photobomb.ops.platform.saga.Saga;
import app.photobomb.ops.platform.saga.Step;
import com.google.cloud.run.v2.Service;
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

  private final CloudRunTraffic cloudRun;
  private final KubernetesClient kubernetes;
  private final KubernetesProperties kubernetesProperties;
  private final ReleaseHealth health;
  private final RollbackProperties properties;

  DeploymentRollbackSaga(CloudRunTraffic cloudRun, KubernetesClient kubernetes,
      KubernetesProperties kubernetesProperties, ReleaseHealth health, RollbackProperties properties) {
    this.cloudRun = cloudRun;
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
      Service service = cloudRun.service();
      notes.add("serving now: " + CloudRunTraffic.describe(service) + " of " + cloudRun.serviceName());
    } catch (RuntimeException e) {
      notes.add("the service " + cloudRun.serviceName() + " could not be read (" + e.getMessage() + ")");
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
