package app.photobomb.ops.platform.rollback;

import app.photobomb.ops.platform.google.GoogleProperties;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
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
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** The API's Cloud Run service through the Admin v2 clients: its revisions, its traffic, traffic updates. */
@Component
public class CloudRunTraffic {

  /** Answers a retry does not mend: the step fails with them instead of retrying. */
  private static final Set<StatusCode.Code> FINAL = Set.of(StatusCode.Code.PERMISSION_DENIED,
      StatusCode.Code.INVALID_ARGUMENT, StatusCode.Code.FAILED_PRECONDITION, StatusCode.Code.NOT_FOUND,
      StatusCode.Code.UNAUTHENTICATED);

  private final ServicesClient services;
  private final RevisionsClient revisions;
  private final String serviceName;

  CloudRunTraffic(ServicesClient services, RevisionsClient revisions, GoogleProperties google,
      RollbackProperties properties) {
    this.services = services;
    this.revisions = revisions;
    this.serviceName = ServiceName.of(google.project(), google.region(), properties.service()).toString();
  }

  /** {@code projects/P/locations/R/services/S}. */
  public String serviceName() {
    return serviceName;
  }

  public Service service() {
    return services.getService(serviceName);
  }

  /** The service's revisions, newest first. */
  public List<Revision> revisions() {
    List<Revision> all = new ArrayList<>();
    revisions.listRevisions(serviceName).iterateAll().forEach(all::add);
    all.sort(Comparator.comparing((Revision revision) -> revision.getCreateTime().getSeconds())
        .thenComparing(revision -> revision.getCreateTime().getNanos()).reversed());
    return all;
  }

  /** Starts replacing the service's traffic (nothing else of it) and answers the operation's name. */
  public String updateTraffic(List<TrafficTarget> traffic) {
    return services.updateServiceCallable().call(UpdateServiceRequest.newBuilder()
        .setService(Service.newBuilder().setName(serviceName).addAllTraffic(traffic))
        .setUpdateMask(FieldMask.newBuilder().addPaths("traffic")).build()).getName();
  }

  public Operation operation(String name) {
    return services.getOperationsClient().getOperation(name);
  }

  static boolean isFinal(ApiException e) {
    return FINAL.contains(e.getStatusCode().getCode());
  }

  static String id(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  static boolean isReady(Revision revision) {
    return revision.getConditionsList().stream().anyMatch(condition -> "Ready".equals(condition.getType())
        && condition.getState() == Condition.State.CONDITION_SUCCEEDED);
  }

  static List<TrafficTarget> allTo(String revision) {
    return List.of(TrafficTarget.newBuilder()
        .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION)
        .setRevision(revision).setPercent(100).build());
  }

  /** The revision with the largest share of traffic now (Cloud Run resolves LATEST to a revision in the status). */
  static String serving(Service service) {
    return service.getTrafficStatusesList().stream().max(Comparator.comparingInt(TrafficTargetStatus::getPercent))
        .map(TrafficTargetStatus::getRevision).filter(revision -> !revision.isEmpty())
        .orElse(service.getLatestReadyRevision().isEmpty() ? "" : id(service.getLatestReadyRevision()));
  }

  /** The traffic as it is now, for the plan and the audit: {@code rev-a:90,rev-b:10}. */
  static String describe(Service service) {
    return service.getTrafficStatusesList().stream().map(status -> status.getRevision() + ":" + status.getPercent()
        + "%").collect(Collectors.joining(","));
  }

  /** The traffic spec as a fact (JSON of the proto), so that undo restores exactly what was there. */
  static String encode(List<TrafficTarget> traffic) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace()
          .print(Service.newBuilder().addAllTraffic(traffic).build());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("traffic could not be written as JSON", e);
    }
  }

  static List<TrafficTarget> decode(String json) {
    Service.Builder service = Service.newBuilder();
    try {
      JsonFormat.parser().merge(json, service);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored traffic is not readable: " + json, e);
    }
    return service.getTrafficList();
  }
}
