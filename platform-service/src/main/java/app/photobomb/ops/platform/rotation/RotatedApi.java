package app.photobomb.ops.platform.rotation;

import app.photobomb.ops.platform.google.GoogleProperties;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionName;
import com.google.cloud.run.v2.RevisionTemplate;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The API's Cloud Run service for the rotation: a revision pinned to secret versions, and its traffic. */
@Component
public class RotatedApi {

  private final ServicesClient services;
  private final RevisionsClient revisions;
  private final GoogleProperties google;
  private final String serviceName;

  RotatedApi(ServicesClient services, RevisionsClient revisions, GoogleProperties google,
      RotationProperties properties) {
    this.services = services;
    this.revisions = revisions;
    this.google = google;
    this.serviceName = ServiceName.of(google.project(), google.region(), properties.service()).toString();
  }

  String serviceName() {
    return serviceName;
  }

  String serviceId() {
    return serviceName.substring(serviceName.lastIndexOf('/') + 1);
  }

  Service service() {
    return services.getService(serviceName);
  }

  /** The revision with the largest share of the traffic now. */
  static String serving(Service service) {
    return service.getTrafficStatusesList().stream().max(Comparator.comparingInt(TrafficTargetStatus::getPercent))
        .map(TrafficTargetStatus::getRevision).filter(revision -> !revision.isEmpty())
        .orElse(lastSegment(service.getLatestReadyRevision()));
  }

  Optional<Revision> revision(String id) {
    try {
      return Optional.of(revisions.getRevision(RevisionName.of(google.project(), google.region(), serviceId(), id)));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  static boolean isReady(Revision revision) {
    return revision.getConditionsList().stream().anyMatch(condition -> "Ready".equals(condition.getType())
        && condition.getState() == Condition.State.CONDITION_SUCCEEDED);
  }

  /**
   * The service's template as a new revision named {@code revision}, every env var that names one of the secrets
   * pinned to its new version (never {@code latest}: that is the newest version whatever its state); how many were.
   */
  static Pinned pin(RevisionTemplate template, String revision, Map<String, Long> versions) {
    RevisionTemplate.Builder pinned = template.toBuilder().setRevision(revision).clearContainers();
    int count = 0;
    for (Container container : template.getContainersList()) {
      Container.Builder copy = container.toBuilder().clearEnv();
      for (EnvVar env : container.getEnvList()) {
        String secret = env.hasValueSource() && env.getValueSource().hasSecretKeyRef()
            ? lastSegment(env.getValueSource().getSecretKeyRef().getSecret()) : null;
        Long version = secret == null ? null : versions.get(secret);
        if (version == null) {
          copy.addEnv(env);
        } else {
          count++;
          copy.addEnv(env.toBuilder().setValueSource(env.getValueSource().toBuilder().setSecretKeyRef(
              env.getValueSource().getSecretKeyRef().toBuilder().setVersion(Long.toString(version)))));
        }
      }
      pinned.addContainers(copy);
    }
    return new Pinned(pinned.build(), count);
  }

  /** A template with its pinned env vars counted. */
  record Pinned(RevisionTemplate template, int count) {
  }

  /** Starts the new revision with the traffic kept on {@code serving} (it moves only once the revision is ready). */
  String deploy(RevisionTemplate template, String serving) {
    return services.updateServiceCallable().call(UpdateServiceRequest.newBuilder()
        .setService(Service.newBuilder().setName(serviceName).setTemplate(template).addAllTraffic(allTo(serving)))
        .setUpdateMask(FieldMask.newBuilder().addPaths("template").addPaths("traffic")).build()).getName();
  }

  String route(String revision) {
    return services.updateServiceCallable().call(UpdateServiceRequest.newBuilder()
        .setService(Service.newBuilder().setName(serviceName).addAllTraffic(allTo(revision)))
        .setUpdateMask(FieldMask.newBuilder().addPaths("traffic")).build()).getName();
  }

  Operation operation(String name) {
    return services.getOperationsClient().getOperation(name);
  }

  static List<TrafficTarget> allTo(String revision) {
    return List.of(TrafficTarget.newBuilder()
        .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION)
        .setRevision(revision).setPercent(100).build());
  }

  private static String lastSegment(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }
}
