package app.photobomb.ops.platform.restore;

import app.photobomb.ops.platform.google.GoogleProperties;
import com.google.cloud.run.v2.GetServiceRequest;
import com.google.cloud.run.v2.IngressTraffic;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionsClient;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import com.google.cloud.run.v2.TrafficTargetStatus;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.longrunning.Operation;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The photobomb API's Cloud Run service as the restore saga changes it: its template (which instance it uses), its
 * traffic and its ingress, each change a long-running operation whose name the caller stores before it polls.
 */
@Component
class ApiService {

  private final ServicesClient services;
  private final RevisionsClient revisions;
  private final String name;

  ApiService(ServicesClient services, RevisionsClient revisions, GoogleProperties google,
      RestoreProperties properties) {
    this.services = services;
    this.revisions = revisions;
    this.name = "projects/" + google.project() + "/locations/" + google.region() + "/services/"
        + properties.apiService();
  }

  String name() {
    return name;
  }

  /** The service's id (its name's last part), which its revisions' names start with. */
  String id() {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  Service get() {
    return services.getService(GetServiceRequest.newBuilder().setName(name).build());
  }

  /** One of its revisions by id ({@code photobomb-api-00003-ccc}). */
  Revision revision(String id) {
    return revisions.getRevision(name + "/revisions/" + id);
  }

  /** Sends the whole service (etag included, so a concurrent edit fails) and returns the update's operation name. */
  String update(Service service) throws ExecutionException, InterruptedException {
    return services.updateServiceCallable().futureCall(UpdateServiceRequest.newBuilder().setService(service).build())
        .get().getName();
  }

  /** The operation, empty while it runs; its error in words when it ended in one. */
  Optional<Outcome> poll(String operationName) {
    Operation operation = services.getOperationsClient().getOperation(operationName);
    if (!operation.getDone()) {
      return Optional.empty();
    }
    return Optional.of(new Outcome(operation.hasError() ? operation.getError().getMessage() : null));
  }

  /** A finished operation; {@code error} null when it succeeded. */
  record Outcome(String error) {
  }

  /** What serves now, as {@code revision=percent,...} (the statuses Cloud Run reports, not the spec). */
  static String routing(Service service) {
    return service.getTrafficStatusesList().stream().filter(status -> status.getPercent() > 0)
        .map(status -> status.getRevision() + "=" + status.getPercent()).collect(Collectors.joining(","));
  }

  /** The revision that takes most of the traffic now. */
  static String servingRevision(Service service) {
    return service.getTrafficStatusesList().stream().max((a, b) -> Integer.compare(a.getPercent(), b.getPercent()))
        .map(TrafficTargetStatus::getRevision).orElse("");
  }

  /** Traffic pinned to revisions, from {@link #routing}. */
  static List<TrafficTarget> pinned(String routing) {
    return Arrays.stream(routing.split(",")).map(entry -> entry.split("=")).map(entry -> TrafficTarget.newBuilder()
        .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION).setRevision(entry[0])
        .setPercent(Integer.parseInt(entry[1])).build()).toList();
  }

  static IngressTraffic ingress(String name) {
    return IngressTraffic.valueOf(name);
  }
}
