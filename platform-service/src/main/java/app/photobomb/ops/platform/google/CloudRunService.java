package app.photobomb.ops.platform.google;

import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionsClient;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServiceName;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import com.google.cloud.run.v2.TrafficTargetStatus;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.longrunning.Operation;
import com.google.protobuf.FieldMask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One Cloud Run service through the Admin v2 clients: the service and its revisions, updates as long-running
 * operations (the caller stores an operation's name before it polls it), and reading its traffic.
 */
public class CloudRunService {

  private final ServicesClient services;
  private final RevisionsClient revisions;
  private final String name;

  /** The service {@code serviceId} in the configured project and region. */
  public CloudRunService(ServicesClient services, RevisionsClient revisions, GoogleProperties google,
      String serviceId) {
    this.name = ServiceName.of(google.project(), google.region(), serviceId).toString();
    this.services = services;
    this.revisions = revisions;
  }

  /** {@code projects/P/locations/R/services/S}. */
  public String name() {
    return name;
  }

  /** The service's id (its name's last part), which its revisions' names start with. */
  public String id() {
    return idOf(name);
  }

  public Service get() {
    return services.getService(name);
  }

  /** One of its revisions by id ({@code photobomb-api-00003-ccc}), empty when it does not exist. */
  public Optional<Revision> revision(String id) {
    try {
      return Optional.of(revisions.getRevision(name + "/revisions/" + id));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  /** The service's revisions, newest first. */
  public List<Revision> revisions() {
    List<Revision> all = new ArrayList<>();
    revisions.listRevisions(name).iterateAll().forEach(all::add);
    all.sort(Comparator.comparing((Revision revision) -> revision.getCreateTime().getSeconds())
        .thenComparing(revision -> revision.getCreateTime().getNanos()).reversed());
    return all;
  }

  /** Starts the update (a whole service sent with its etag fails on a concurrent edit) and answers its operation. */
  public String update(UpdateServiceRequest request) {
    return services.updateServiceCallable().call(request).getName();
  }

  /** Starts replacing the service's traffic (nothing else of it) and answers the operation's name. */
  public String updateTraffic(List<TrafficTarget> traffic) {
    return update(UpdateServiceRequest.newBuilder()
        .setService(Service.newBuilder().setName(name).addAllTraffic(traffic))
        .setUpdateMask(FieldMask.newBuilder().addPaths("traffic")).build());
  }

  /** An update's operation: still running, or done with its error in words. */
  public Polled poll(String operationName) {
    Operation operation = services.getOperationsClient().getOperation(operationName);
    return new Polled(operation.getDone(),
        operation.getDone() && operation.hasError() ? operation.getError().getMessage() : null);
  }

  /** A polled operation; {@code error} null unless it is done and failed. */
  public record Polled(boolean done, String error) {

    public boolean failed() {
      return error != null;
    }
  }

  /** A resource name's last part: a revision's id from its name. */
  public static String idOf(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  /** The revision with the largest share of the traffic now (Cloud Run resolves LATEST to a revision there). */
  public static String servingRevision(Service service) {
    return service.getTrafficStatusesList().stream().max(Comparator.comparingInt(TrafficTargetStatus::getPercent))
        .map(TrafficTargetStatus::getRevision).filter(revision -> !revision.isEmpty())
        .orElse(idOf(service.getLatestReadyRevision()));
  }

  /** What serves now, as {@code revision=percent,...} (the statuses Cloud Run reports, not the spec). */
  public static String routing(Service service) {
    return service.getTrafficStatusesList().stream().filter(status -> status.getPercent() > 0)
        .map(status -> status.getRevision() + "=" + status.getPercent()).collect(Collectors.joining(","));
  }

  /** Traffic pinned to revisions, from {@link #routing}. */
  public static List<TrafficTarget> pinned(String routing) {
    return Arrays.stream(routing.split(",")).map(entry -> entry.split("="))
        .map(entry -> toRevision(entry[0], Integer.parseInt(entry[1]))).toList();
  }

  /** All of the traffic to one revision. */
  public static List<TrafficTarget> allTo(String revision) {
    return List.of(toRevision(revision, 100));
  }

  public static boolean isReady(Revision revision) {
    return revision.getConditionsList().stream().anyMatch(condition -> "Ready".equals(condition.getType())
        && condition.getState() == Condition.State.CONDITION_SUCCEEDED);
  }

  private static TrafficTarget toRevision(String revision, int percent) {
    return TrafficTarget.newBuilder().setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION)
        .setRevision(revision).setPercent(percent).build();
  }
}
