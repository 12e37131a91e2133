package app.photobomb.ops.platform.rollback;

import app.photobomb.ops.common.events.DeploymentRollbackRequested;
import app.photobomb.ops.platform.google.CloudRunService;
import app.photobomb.ops.platform.saga.Step;
import app.photobomb.ops.platform.saga.StepContext;
import app.photobomb.ops.platform.saga.StepOutcome;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The Cloud Run steps of the rollback: find the revision to go back to, route all traffic to it. */
final class TrafficSteps {

  static final String SERVING = "servingRevision";
  static final String TARGET = "targetRevision";
  static final String PREVIOUS_TRAFFIC = "previousTraffic";
  private static final String ROUTE_OPERATION = "routeOperation";
  private static final String RESTORE_OPERATION = "restoreOperation";

  /** Answers a retry does not mend: the step fails with them instead of retrying. */
  private static final Set<StatusCode.Code> FINAL = Set.of(StatusCode.Code.PERMISSION_DENIED,
      StatusCode.Code.INVALID_ARGUMENT, StatusCode.Code.FAILED_PRECONDITION, StatusCode.Code.NOT_FOUND,
      StatusCode.Code.UNAUTHENTICATED);

  private TrafficSteps() {
  }

  /** The traffic as it is now, for the plan and the audit: {@code rev-a:90%,rev-b:10%}. */
  static String describe(Service service) {
    return service.getTrafficStatusesList().stream().map(status -> status.getRevision() + ":" + status.getPercent()
        + "%").collect(Collectors.joining(","));
  }

  /** The traffic spec as a fact (JSON of the proto), so that undo restores exactly what was there. */
  private static String encode(List<TrafficTarget> traffic) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace()
          .print(Service.newBuilder().addAllTraffic(traffic).build());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("traffic could not be written as JSON", e);
    }
  }

  private static List<TrafficTarget> decode(String json) {
    Service.Builder service = Service.newBuilder();
    try {
      JsonFormat.parser().merge(json, service);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored traffic is not readable: " + json, e);
    }
    return service.getTrafficList();
  }

  /**
   * Reads the revision serving now and picks the target: the command's revision, or the newest ready revision older
   * than the serving one (runbook: "route traffic to previous revision"). Stores the traffic as it is, for the undo.
   */
  record FindTarget(CloudRunService cloudRun, DeploymentRollbackRequested command) implements Step {

    @Override
    public String name() {
      return "find-target";
    }

    @Override
    public String resource() {
      return "cloud run service " + cloudRun.name() + ": " + (command.revision() == null
          ? "the newest ready revision before the one serving now" : "revision " + command.revision());
    }

    @Override
    public StepOutcome run(StepContext context) {
      Service service = cloudRun.get();
      String serving = CloudRunService.servingRevision(service);
      List<Revision> revisions = cloudRun.revisions();
      Optional<Revision> servingRevision = revisions.stream()
          .filter(revision -> CloudRunService.idOf(revision.getName()).equals(serving)).findFirst();
      Revision target;
      if (command.revision() != null) {
        Optional<Revision> named = revisions.stream()
            .filter(revision -> CloudRunService.idOf(revision.getName()).equals(command.revision())).findFirst();
        if (named.isEmpty()) {
          return StepOutcome.fail("revision " + command.revision() + " does not exist in " + cloudRun.name()
              + " (newest: " + newest(revisions) + "): name one of its revisions, or leave revision out to go back "
              + "to the newest ready revision before " + serving);
        }
        target = named.get();
        if (!CloudRunService.isReady(target)) {
          return StepOutcome.fail("revision " + command.revision() + " is not ready and cannot serve traffic: name a "
              + "ready revision (gcloud run revisions list --service=" + cloudRun.id()
              + ")");
        }
      } else {
        if (servingRevision.isEmpty()) {
          return StepOutcome.fail("the revision serving now (" + serving + ") is not among the revisions of "
              + cloudRun.name() + ": name the revision to go back to with revision");
        }
        long servingCreated = Timestamps.toNanos(servingRevision.get().getCreateTime());
        Optional<Revision> older = revisions.stream()
            .filter(revision -> Timestamps.toNanos(revision.getCreateTime()) < servingCreated)
            .filter(CloudRunService::isReady).findFirst();
        if (older.isEmpty()) {
          return StepOutcome.fail("no ready revision of " + cloudRun.name() + " is older than " + serving
              + ", which serves now: there is nothing to roll back to; deploy a fix instead, or name a revision");
        }
        target = older.get();
      }
      String targetId = CloudRunService.idOf(target.getName());
      if (CloudRunService.allTo(targetId).equals(service.getTrafficList())) {
        return StepOutcome.fail(targetId + " serves all traffic already: there is nothing to roll back; name "
            + "another revision to go to");
      }
      context.remember(SERVING, serving);
      context.remember(TARGET, targetId);
      context.remember(PREVIOUS_TRAFFIC, encode(service.getTrafficList()));
      context.result("revision", targetId);
      context.result("previousRevision", serving);
      return StepOutcome.done("serving " + serving + " (" + describe(service) + "); going back to "
          + targetId + " (created " + Timestamps.toString(target.getCreateTime()) + ")");
    }

    private static String newest(List<Revision> revisions) {
      return revisions.stream().limit(5).map(revision -> CloudRunService.idOf(revision.getName()))
          .collect(Collectors.joining(", "));
    }
  }

  /** Routes 100% of the traffic to the target (runbook: update-traffic --to-revisions=REV=100); undo restores it. */
  record RouteTraffic(CloudRunService cloudRun, RollbackProperties properties, DeploymentRollbackRequested command)
      implements Step {

    @Override
    public String name() {
      return "route-traffic";
    }

    @Override
    public String resource() {
      return "cloud run service " + cloudRun.name() + ": 100% of the traffic to " + (command.revision() == null
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
      if (CloudRunService.allTo(target).equals(cloudRun.get().getTrafficList())) {
        return StepOutcome.done("100% of the traffic on " + target + " already");
      }
      String operation;
      try {
        operation = cloudRun.updateTraffic(CloudRunService.allTo(target));
      } catch (ApiException e) {
        if (FINAL.contains(e.getStatusCode().getCode())) {
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
      List<TrafficTarget> traffic = decode(previous.get());
      String described = traffic.isEmpty() ? "the API's default (latest ready revision)" : traffic.stream()
          .map(target -> (target.getRevision().isEmpty() ? "LATEST" : target.getRevision()) + ":"
              + target.getPercent() + "%").collect(Collectors.joining(","));
      Optional<String> started = context.fact(RESTORE_OPERATION);
      if (started.isPresent()) {
        return await(started.get(), "restoring traffic " + described, "set it by hand: gcloud run services "
            + "update-traffic " + cloudRun.id());
      }
      if (traffic.equals(cloudRun.get().getTrafficList())) {
        return StepOutcome.done("traffic as before: " + described);
      }
      String operation = cloudRun.updateTraffic(traffic);
      context.remember(RESTORE_OPERATION, operation);
      return StepOutcome.waitFor(properties.pollInterval(), "restoring traffic " + described + ": operation "
          + operation);
    }

    private StepOutcome await(String name, String what, String advice) {
      CloudRunService.Polled operation = cloudRun.poll(name);
      if (!operation.done()) {
        return StepOutcome.waitFor(properties.pollInterval(), what + ": operation " + name + " running");
      }
      if (operation.failed()) {
        return StepOutcome.fail(what + " failed (operation " + name + ": " + operation.error() + "); " + advice);
      }
      return StepOutcome.done(what + ": done (operation " + name + ")");
    }
  }
}
