package app.photobomb.ops.platform.rollback;

import app.photobomb.ops.common.events.DeploymentRollbackRequested;
import app.photobomb.ops.platform.saga.Step;
import app.photobomb.ops.platform.saga.StepContext;
import app.photobomb.ops.platform.saga.StepOutcome;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.longrunning.Operation;
import com.google.protobuf.util.Timestamps;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The Cloud Run steps of the rollback: find the revision to go back to, route all traffic to it. */
final class TrafficSteps {

  static final String SERVING = "servingRevision";
  static final String TARGET = "targetRevision";
  static final String PREVIOUS_TRAFFIC = "previousTraffic";
  private static final String ROUTE_OPERATION = "routeOperation";
  private static final String RESTORE_OPERATION = "restoreOperation";

  private TrafficSteps() {
  }

  /**
   * Reads the revision serving now and picks the target: the command's revision, or the newest ready revision older
   * than the serving one (runbook: "route traffic to previous revision"). Stores the traffic as it is, for the undo.
   */
  record FindTarget(CloudRunTraffic cloudRun, DeploymentRollbackRequested command) implements Step {

    @Override
    public String name() {
      return "find-target";
    }

    @Override
    public String resource() {
      return "cloud run service " + cloudRun.serviceName() + ": " + (command.revision() == null
          ? "the newest ready revision before the one serving now" : "revision " + command.revision());
    }

    @Override
    public StepOutcome run(StepContext context) {
      Service service = cloudRun.service();
      String serving = CloudRunTraffic.serving(service);
      List<Revision> revisions = cloudRun.revisions();
      Optional<Revision> servingRevision = revisions.stream()
          .filter(revision -> CloudRunTraffic.id(revision.getName()).equals(serving)).findFirst();
      Revision target;
      if (command.revision() != null) {
        Optional<Revision> named = revisions.stream()
            .filter(revision -> CloudRunTraffic.id(revision.getName()).equals(command.revision())).findFirst();
        if (named.isEmpty()) {
          return StepOutcome.fail("revision " + command.revision() + " does not exist in " + cloudRun.serviceName()
              + " (newest: " + newest(revisions) + "): name one of its revisions, or leave revision out to go back "
              + "to the newest ready revision before " + serving);
        }
        target = named.get();
        if (!CloudRunTraffic.isReady(target)) {
          return StepOutcome.fail("revision " + command.revision() + " is not ready and cannot serve traffic: name a "
              + "ready revision (gcloud run revisions list --service=" + CloudRunTraffic.id(cloudRun.serviceName())
              + ")");
        }
      } else {
        if (servingRevision.isEmpty()) {
          return StepOutcome.fail("the revision serving now (" + serving + ") is not among the revisions of "
              + cloudRun.serviceName() + ": name the revision to go back to with revision");
        }
        long servingCreated = Timestamps.toNanos(servingRevision.get().getCreateTime());
        Optional<Revision> older = revisions.stream()
            .filter(revision -> Timestamps.toNanos(revision.getCreateTime()) < servingCreated)
            .filter(CloudRunTraffic::isReady).findFirst();
        if (older.isEmpty()) {
          return StepOutcome.fail("no ready revision of " + cloudRun.serviceName() + " is older than " + serving
              + ", which serves now: there is nothing to roll back to; deploy a fix instead, or name a revision");
        }
        target = older.get();
      }
      String targetId = CloudRunTraffic.id(target.getName());
      if (CloudRunTraffic.allTo(targetId).equals(service.getTrafficList())) {
        return StepOutcome.fail(targetId + " serves all traffic already: there is nothing to roll back; name "
            + "another revision to go to");
      }
      context.remember(SERVING, serving);
      context.remember(TARGET, targetId);
      context.remember(PREVIOUS_TRAFFIC, CloudRunTraffic.encode(service.getTrafficList()));
      context.result("revision", targetId);
      context.result("previousRevision", serving);
      return StepOutcome.done("serving " + serving + " (" + CloudRunTraffic.describe(service) + "); going back to "
          + targetId + " (created " + Timestamps.toString(target.getCreateTime()) + ")");
    }

    private static String newest(List<Revision> revisions) {
      return revisions.stream().limit(5).map(revision -> CloudRunTraffic.id(revision.getName()))
          .collect(Collectors.joining(", "));
    }
  }

  /** Routes 100% of the traffic to the target (runbook: update-traffic --to-revisions=REV=100); undo restores it. */
  record RouteTraffic(CloudRunTraffic cloudRun, RollbackProperties properties, DeploymentRollbackRequested command)
      implements Step {

    @Override
    public String name() {
      return "route-traffic";
    }

    @Override
    public String resource() {
      return "cloud run service " + cloudRun.serviceName() + ": 100% of the traffic to " + (command.revision() == null
          ? "the previous ready revision" : command.revision());
    }

    @Override
    public boolean destructive() {
      return true;
    }

    @Override
    public StepOutcome run(StepContext context) {
      String target = context.fact(TARGET).orElseThrow();
      Optional<String> started = context.fact(ROUTE_OPERATION);
      if (started.isPresent()) {
        return await(started.get(), "routing all traffic to " + target,
            "traffic is as it was; the saga restores it anyway");
      }
      if (CloudRunTraffic.allTo(target).equals(cloudRun.service().getTrafficList())) {
        return StepOutcome.done("100% of the traffic on " + target + " already");
      }
      String operation;
      try {
        operation = cloudRun.updateTraffic(CloudRunTraffic.allTo(target));
      } catch (ApiException e) {
        if (CloudRunTraffic.isFinal(e)) {
          return StepOutcome.fail("Cloud Run refused to route traffic to " + target + ": "
              + e.getStatusCode().getCode() + " " + e.getMessage());
        }
        throw e;
      }
      context.remember(ROUTE_OPERATION, operation);
      return StepOutcome.waitFor(properties.pollInterval(), "routing all traffic to " + target + ": operation "
          + operation);
    }

    @Override
    public boolean undoable() {
      return true;
    }

    @Override
    public StepOutcome undo(StepContext context) {
      Optional<String> previous = context.fact(PREVIOUS_TRAFFIC);
      if (previous.isEmpty()) {
        return StepOutcome.done("traffic not changed");
      }
      List<TrafficTarget> traffic = CloudRunTraffic.decode(previous.get());
      String described = traffic.isEmpty() ? "the API's default (latest ready revision)" : traffic.stream()
          .map(target -> (target.getRevision().isEmpty() ? "LATEST" : target.getRevision()) + ":"
              + target.getPercent() + "%").collect(Collectors.joining(","));
      Optional<String> started = context.fact(RESTORE_OPERATION);
      if (started.isPresent()) {
        return await(started.get(), "restoring traffic " + described, "set it by hand: gcloud run services "
            + "update-traffic " + CloudRunTraffic.id(cloudRun.serviceName()));
      }
      if (traffic.equals(cloudRun.service().getTrafficList())) {
        return StepOutcome.done("traffic as before: " + described);
      }
      String operation = cloudRun.updateTraffic(traffic);
      context.remember(RESTORE_OPERATION, operation);
      return StepOutcome.waitFor(properties.pollInterval(), "restoring traffic " + described + ": operation "
          + operation);
    }

    private StepOutcome await(String name, String what, String advice) {
      Operation operation = cloudRun.operation(name);
      if (!operation.getDone()) {
        return StepOutcome.waitFor(properties.pollInterval(), what + ": operation " + name + " running");
      }
      if (operation.hasError()) {
        return StepOutcome.fail(what + " failed (operation " + name + ": " + operation.getError().getMessage() + "); "
            + advice);
      }
      return StepOutcome.done(what + ": done (operation " + name + ")");
    }
  }
}
