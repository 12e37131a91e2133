package app.photobomb.ops.testsupport.google;

import static com.google.cloud.run.v2.TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST;
import static com.google.cloud.run.v2.TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION;

import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.GetRevisionRequest;
import com.google.cloud.run.v2.GetServiceRequest;
import com.google.cloud.run.v2.ListRevisionsRequest;
import com.google.cloud.run.v2.ListRevisionsResponse;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.RevisionsGrpc;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesGrpc;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetStatus;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.longrunning.GetOperationRequest;
import com.google.longrunning.Operation;
import com.google.longrunning.OperationsGrpc;
import com.google.protobuf.Any;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.FieldMaskUtil;
import io.grpc.BindableService;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Cloud Run Admin v2 as a stateful gRPC stand-in for the real {@code ServicesClient} and {@code RevisionsClient}:
 * services with a template and traffic, a new revision per template change, traffic checked as Cloud Run checks it
 * (INVALID_ARGUMENT), and updates answered with a long-running operation that is done at once or after a set
 * number of {@code GetOperation} polls, failed when the revision it needs is not ready.
 */
public final class FakeCloudRun implements GoogleFake {

  private static final Pattern SERVICE_NAME = Pattern.compile("projects/[^/]+/locations/[^/]+/services/[^/]+");
  private static final String READY = "Ready";
  private static final String CONTAINER_FAILED = "The user-provided container failed to start and listen on the "
      + "port defined provided by the PORT=8080 environment variable within the allocated timeout.";
  private static final TrafficTarget ALL_TO_LATEST =
      TrafficTarget.newBuilder().setType(TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST).setPercent(100).build();
  // an update mask replaces what it names, lists included (FieldMaskUtil's default would append to them)
  private static final FieldMaskUtil.MergeOptions REPLACE = new FieldMaskUtil.MergeOptions()
      .setReplaceRepeatedFields(true).setReplaceMessageFields(true).setReplacePrimitiveFields(true);

  private final CallJournal journal = new CallJournal();
  private final Map<String, Service> services = new LinkedHashMap<>();
  /** Revisions per service name, oldest first (the API lists them newest first). */
  private final Map<String, List<Revision>> revisions = new HashMap<>();
  private final Map<String, PendingUpdate> operations = new HashMap<>();
  private int pollsBeforeDone;
  private boolean revisionsFailToBecomeReady;
  private Instant lastTime = Instant.EPOCH;

  /** An update's operation: done once {@code pollsLeft} is 0, then failed if {@code failure} is set. */
  private record PendingUpdate(String serviceName, int pollsLeft, String failure) {}

  @Override
  public List<BindableService> services() {
    return List.of(new Services(), new Revisions(), new Operations());
  }

  /**
   * Creates a service with one ready revision per template, oldest first (a template's {@code revision} names its
   * revision, as in the API; otherwise {@code S-0000N-xyz}), the last template as the service's, and the traffic
   * (empty: 100% to the latest ready revision).
   */
  public synchronized Service seedService(String name, List<RevisionTemplate> templates, List<TrafficTarget> traffic) {
    if (!SERVICE_NAME.matcher(name).matches() || templates.isEmpty() || services.containsKey(name)) {
      throw new IllegalArgumentException("a new service projects/P/locations/L/services/S with revisions: " + name);
    }
    List<Revision> created = new ArrayList<>();
    templates.forEach(template -> created.add(newRevision(name, template, created, true)));
    Service spec = Service.newBuilder().setName(name).setTemplate(templates.get(templates.size() - 1))
        .addAllTraffic(traffic).build();
    List<TrafficTarget> targets = trafficOf(spec);
    checkTraffic(targets, created);
    Service service = observe(spec, targets, null, created, null);
    services.put(name, service);
    revisions.put(name, created);
    return service;
  }

  /** {@link #seedService(String, List, List)} with one revision and all traffic to it. */
  public Service seedService(String name, RevisionTemplate template) {
    return seedService(name, List.of(template), List.of());
  }

  /** From now on, revisions created by updates fail their Ready condition (the container does not start). */
  public synchronized void revisionsFailToBecomeReady(boolean fail) {
    this.revisionsFailToBecomeReady = fail;
  }

  /** From now on, an update's operation is done after this many {@code GetOperation} polls (0: done at once). */
  public synchronized void completeOperationsAfterPolls(int polls) {
    this.pollsBeforeDone = polls;
  }

  /** The next {@code times} calls of {@code method} ({@code UpdateService}, {@code GetOperation}, ...) fail. */
  public void failNextCalls(String method, Status status, int times) {
    journal.failNextCalls(method, status, times);
  }

  /** Every call so far, oldest first. */
  public List<CallJournal.Call> calls() {
    return journal.calls();
  }

  /** The calls of one method ({@code UpdateService}), oldest first. */
  public List<CallJournal.Call> calls(String method) {
    return journal.calls(method);
  }

  /** The service as {@code GetService} would answer now. */
  public synchronized Optional<Service> service(String name) {
    return Optional.ofNullable(services.get(name));
  }

  /** The service's revisions, newest first. */
  public synchronized List<Revision> revisions(String serviceName) {
    return newestFirst(revisions.getOrDefault(serviceName, List.of()));
  }

  private synchronized Service getService(String name) {
    Service service = services.get(name);
    if (service == null) {
      throw CallJournal.error(Status.NOT_FOUND, "Resource '" + name + "' of kind 'SERVICE' does not exist.");
    }
    return service;
  }

  private synchronized Operation updateService(UpdateServiceRequest request) {
    Service requested = request.getService();
    Service current = getService(requested.getName());
    if (!requested.getEtag().isEmpty() && !requested.getEtag().equals(current.getEtag())) {
      throw CallJournal.error(Status.ABORTED, "etag " + requested.getEtag() + " is not the current "
          + current.getEtag() + "; read the service again");
    }
    Service spec = request.getUpdateMask().getPathsCount() == 0 ? requested : masked(current, requested,
        request.getUpdateMask());
    List<Revision> next = new ArrayList<>(revisions.get(current.getName()));
    Revision created = null;
    // any change of the template is a new revision; traffic-only changes are not
    if (!spec.getTemplate().equals(current.getTemplate())) {
      created = newRevision(current.getName(), spec.getTemplate(), next, !revisionsFailToBecomeReady);
      next.add(created);
    }
    List<TrafficTarget> traffic = trafficOf(spec);
    checkTraffic(traffic, next);
    String failure = failure(created, traffic, next);
    Service updated = observe(spec, traffic, current, next, failure);
    String operationName = current.getName().substring(0, current.getName().indexOf("/services/"))
        + "/operations/" + UUID.randomUUID();
    if (request.getValidateOnly()) {
      return Operation.newBuilder().setName(operationName).setDone(true).setMetadata(Any.pack(updated))
          .setResponse(Any.pack(updated)).build();
    }
    services.put(current.getName(), pollsBeforeDone == 0 ? updated
        : updated.toBuilder().setReconciling(true).setObservedGeneration(current.getGeneration()).build());
    revisions.put(current.getName(), next);
    PendingUpdate pending = new PendingUpdate(current.getName(), pollsBeforeDone, failure);
    operations.put(operationName, pending);
    return operation(operationName, pending);
  }

  private synchronized Operation getOperation(String name) {
    PendingUpdate pending = operations.get(name);
    if (pending == null) {
      throw CallJournal.error(Status.NOT_FOUND, "Operation " + name + " not found");
    }
    if (pending.pollsLeft() > 0) {
      pending = new PendingUpdate(pending.serviceName(), pending.pollsLeft() - 1, pending.failure());
      operations.put(name, pending);
      if (pending.pollsLeft() == 0) {
        services.computeIfPresent(pending.serviceName(), (key, service) -> service.toBuilder()
            .setReconciling(false).setObservedGeneration(service.getGeneration()).build());
      }
    }
    return operation(name, pending);
  }

  private Operation operation(String name, PendingUpdate pending) {
    Service service = services.get(pending.serviceName());
    // the client unpacks metadata and response as Service (ServicesStubSettings' updateServiceOperationSettings)
    Operation.Builder operation = Operation.newBuilder().setName(name).setMetadata(Any.pack(service));
    if (pending.pollsLeft() > 0) {
      return operation.build();
    }
    operation.setDone(true);
    return pending.failure() == null ? operation.setResponse(Any.pack(service)).build()
        : operation.setError(com.google.rpc.Status.newBuilder()
            .setCode(Status.Code.FAILED_PRECONDITION.value()).setMessage(pending.failure())).build();
  }

  private synchronized Revision getRevision(String name) {
    int at = name.indexOf("/revisions/");
    return revisions.getOrDefault(at < 0 ? "" : name.substring(0, at), List.of()).stream()
        .filter(revision -> revision.getName().equals(name)).findFirst()
        .orElseThrow(() -> CallJournal.error(Status.NOT_FOUND,
            "Resource '" + name + "' of kind 'REVISION' does not exist."));
  }

  private synchronized ListRevisionsResponse listRevisions(ListRevisionsRequest request) {
    List<Revision> all = newestFirst(revisions.getOrDefault(getService(request.getParent()).getName(), List.of()));
    int from = request.getPageToken().isEmpty() ? 0 : Integer.parseInt(request.getPageToken());
    int to = request.getPageSize() <= 0 ? all.size() : Math.min(all.size(), from + request.getPageSize());
    return ListRevisionsResponse.newBuilder().addAllRevisions(all.subList(from, to))
        .setNextPageToken(to < all.size() ? Integer.toString(to) : "").build();
  }

  private Revision newRevision(String serviceName, RevisionTemplate template, List<Revision> existing, boolean ready) {
    String serviceId = lastSegment(serviceName);
    String id = template.getRevision().isEmpty()
        ? String.format("%s-%05d-%s", serviceId, existing.size() + 1, randomSuffix())
        : template.getRevision();
    if (!id.startsWith(serviceId + "-")) {
      throw CallJournal.error(Status.INVALID_ARGUMENT, "Revision name '" + id + "' must start with '" + serviceId
          + "-'.");
    }
    if (existing.stream().anyMatch(revision -> lastSegment(revision.getName()).equals(id))) {
      throw CallJournal.error(Status.ALREADY_EXISTS, "Revision named '" + id
          + "' with different configuration already exists.");
    }
    Instant now = tick();
    Revision.Builder revision = Revision.newBuilder().setName(serviceName + "/revisions/" + id)
        .setUid(UUID.randomUUID().toString()).setGeneration(1).setService(serviceName)
        .setCreateTime(timestamp(now)).setUpdateTime(timestamp(now))
        .putAllLabels(template.getLabelsMap()).putAllAnnotations(template.getAnnotationsMap())
        .addAllContainers(template.getContainersList()).addAllVolumes(template.getVolumesList())
        .setServiceAccount(template.getServiceAccount()).setScaling(template.getScaling())
        .setMaxInstanceRequestConcurrency(template.getMaxInstanceRequestConcurrency())
        .setExecutionEnvironment(template.getExecutionEnvironment()).setObservedGeneration(1)
        .addConditions(readyCondition(ready ? null : CONTAINER_FAILED, now));
    if (template.hasTimeout()) {
      revision.setTimeout(template.getTimeout());
    }
    return revision.build();
  }

  /** The service with its output fields as Cloud Run computes them from the spec and the revisions. */
  private Service observe(Service spec, List<TrafficTarget> traffic, Service previous, List<Revision> all,
      String failure) {
    Instant now = tick();
    Revision latestReady = newestFirst(all).stream().filter(FakeCloudRun::isReady).findFirst().orElse(null);
    long generation = previous == null ? 1 : previous.getGeneration() + 1;
    // traffic moves only when every revision it names can serve; otherwise the old routing stays
    List<TrafficTargetStatus> statuses = servable(traffic, all, latestReady) ? statuses(traffic, latestReady)
        : previous == null ? List.of() : previous.getTrafficStatusesList();
    return spec.toBuilder()
        .clearTraffic().addAllTraffic(traffic)
        .setUid(previous == null ? UUID.randomUUID().toString() : previous.getUid())
        .setGeneration(generation).setObservedGeneration(generation).setEtag("\"gen-" + generation + "\"")
        .setCreateTime(previous == null ? timestamp(now) : previous.getCreateTime()).setUpdateTime(timestamp(now))
        .setLatestCreatedRevision(all.get(all.size() - 1).getName())
        .setLatestReadyRevision(latestReady == null ? "" : latestReady.getName())
        .clearTrafficStatuses().addAllTrafficStatuses(statuses)
        .setTerminalCondition(readyCondition(failure, now)).setReconciling(false)
        .setUri("https://" + lastSegment(spec.getName()) + "-fake.a.run.app")
        .build();
  }

  private static void checkTraffic(List<TrafficTarget> traffic, List<Revision> all) {
    int sum = 0;
    for (TrafficTarget target : traffic) {
      if (target.getType() == TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION) {
        if (revision(all, target.getRevision()).isEmpty()) {
          throw CallJournal.error(Status.INVALID_ARGUMENT, "Revision '" + target.getRevision()
              + "' referenced in traffic not found.");
        }
      } else if (target.getType() != TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST) {
        throw CallJournal.error(Status.INVALID_ARGUMENT, "Traffic target type must be LATEST or REVISION.");
      }
      if (target.getPercent() < 0 || target.getPercent() > 100) {
        throw CallJournal.error(Status.INVALID_ARGUMENT, "Traffic percent must be between 0 and 100.");
      }
      sum += target.getPercent();
    }
    if (sum != 100) {
      throw CallJournal.error(Status.INVALID_ARGUMENT, "Traffic percents must add up to 100, not " + sum + ".");
    }
  }

  /** Why the update's operation fails, or null: its new revision, or a revision traffic names, is not ready. */
  private static String failure(Revision created, List<TrafficTarget> traffic, List<Revision> all) {
    if (created != null && !isReady(created)) {
      return notReady(created) + " " + CONTAINER_FAILED;
    }
    return traffic.stream().filter(target -> target.getType() == TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION)
        .map(target -> revision(all, target.getRevision()).orElseThrow()).filter(revision -> !isReady(revision))
        .findFirst().map(FakeCloudRun::notReady).orElse(null);
  }

  private static boolean servable(List<TrafficTarget> traffic, List<Revision> all, Revision latestReady) {
    return traffic.stream().allMatch(target -> target.getType() == TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST
        ? latestReady != null : isReady(revision(all, target.getRevision()).orElseThrow()));
  }

  private static List<TrafficTargetStatus> statuses(List<TrafficTarget> traffic, Revision latestReady) {
    return traffic.stream().map(target -> TrafficTargetStatus.newBuilder().setType(target.getType())
        .setRevision(target.getType() == TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST ? lastSegment(latestReady.getName())
            : target.getRevision())
        .setPercent(target.getPercent()).setTag(target.getTag()).build()).toList();
  }

  private static Service masked(Service current, Service requested, FieldMask mask) {
    Service.Builder merged = current.toBuilder();
    FieldMaskUtil.merge(mask, requested, merged, REPLACE);
    return merged.build();
  }

  private static List<TrafficTarget> trafficOf(Service spec) {
    // the API's default: no traffic given means all of it to the latest ready revision
    return spec.getTrafficCount() == 0 ? List.of(ALL_TO_LATEST) : spec.getTrafficList();
  }

  private static Optional<Revision> revision(List<Revision> all, String id) {
    return all.stream().filter(revision -> lastSegment(revision.getName()).equals(id)).findFirst();
  }

  private static boolean isReady(Revision revision) {
    return revision.getConditionsList().stream().anyMatch(condition -> condition.getType().equals(READY)
        && condition.getState() == Condition.State.CONDITION_SUCCEEDED);
  }

  private static String notReady(Revision revision) {
    return "Revision '" + lastSegment(revision.getName()) + "' is not ready and cannot serve traffic.";
  }

  private static Condition readyCondition(String failure, Instant at) {
    Condition.Builder condition = Condition.newBuilder().setType(READY).setLastTransitionTime(timestamp(at));
    return failure == null ? condition.setState(Condition.State.CONDITION_SUCCEEDED).build()
        : condition.setState(Condition.State.CONDITION_FAILED).setSeverity(Condition.Severity.ERROR)
            .setRevisionReason(Condition.RevisionReason.HEALTH_CHECK_CONTAINER_ERROR).setMessage(failure).build();
  }

  private static List<Revision> newestFirst(List<Revision> oldestFirst) {
    List<Revision> reversed = new ArrayList<>(oldestFirst);
    Collections.reverse(reversed);
    return List.copyOf(reversed);
  }

  /** Strictly increasing times, so that create times order revisions even within one millisecond. */
  private Instant tick() {
    Instant now = Instant.now();
    lastTime = now.isAfter(lastTime) ? now : lastTime.plusNanos(1000);
    return lastTime;
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  private static String lastSegment(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  private static String randomSuffix() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return random.ints(3, 'a', 'z' + 1).mapToObj(c -> String.valueOf((char) c)).collect(Collectors.joining());
  }

  private static String describe(List<TrafficTarget> traffic) {
    return traffic.stream().map(target -> (target.getType() == TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST ? "LATEST"
        : target.getRevision()) + ":" + target.getPercent()).collect(Collectors.joining(",", "[", "]"));
  }

  private final class Services extends ServicesGrpc.ServicesImplBase {
    @Override
    public void getService(GetServiceRequest request, StreamObserver<Service> observer) {
      journal.answer("GetService", request.getName(), observer, () -> FakeCloudRun.this.getService(request.getName()));
    }

    @Override
    public void updateService(UpdateServiceRequest request, StreamObserver<Operation> observer) {
      String summary = request.getService().getName() + " traffic=" + describe(request.getService().getTrafficList())
          + (request.getValidateOnly() ? " validateOnly" : "");
      journal.answer("UpdateService", summary, observer, () -> FakeCloudRun.this.updateService(request));
    }
  }

  private final class Revisions extends RevisionsGrpc.RevisionsImplBase {
    @Override
    public void getRevision(GetRevisionRequest request, StreamObserver<Revision> observer) {
      journal.answer("GetRevision", request.getName(), observer, () -> FakeCloudRun.this.getRevision(request.getName()));
    }

    @Override
    public void listRevisions(ListRevisionsRequest request, StreamObserver<ListRevisionsResponse> observer) {
      journal.answer("ListRevisions", request.getParent(), observer, () -> FakeCloudRun.this.listRevisions(request));
    }
  }

  private final class Operations extends OperationsGrpc.OperationsImplBase {
    @Override
    public void getOperation(GetOperationRequest request, StreamObserver<Operation> observer) {
      journal.answer("GetOperation", request.getName(), observer,
          () -> FakeCloudRun.this.getOperation(request.getName()));
    }
  }
}
