package app.photobomb.ops.testsupport.google;

import static com.google.cloud.run.v2.TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST;
import static com.google.cloud.run.v2.TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.PermissionDeniedException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.EnvVarSource;
import com.google.cloud.run.v2.ListRevisionsRequest;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.RevisionsClient;
import com.google.cloud.run.v2.SecretKeySelector;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetStatus;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Timestamps;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeCloudRunTest {

  static final String API = "projects/photobomb/locations/europe-west1/services/api";

  private final FakeCloudRun cloudRun = new FakeCloudRun();
  private GoogleFakeServer server;
  private ManagedChannel channel;
  private ServicesClient services;
  private RevisionsClient revisions;

  @BeforeEach
  void startClients() throws Exception {
    server = GoogleFakeServer.inProcess("cloud-run-" + UUID.randomUUID(), cloudRun);
    channel = server.newChannel();
    services = GoogleClients.services(channel);
    revisions = GoogleClients.revisions(channel);
  }

  @AfterEach
  void stop() {
    services.close();
    revisions.close();
    channel.shutdownNow();
    server.close();
  }

  @Test
  void newTemplateCreatesARevisionThatTakesTheLatestTraffic() throws Exception {
    Service seeded = cloudRun.seedService(API, template("db-password", "1"));

    Service current = services.getService(API);
    Service updated = services.updateServiceAsync(current.toBuilder()
        .setTemplate(template("db-password", "2")).build()).get();

    assertThat(updated.getLatestReadyRevision()).isNotEqualTo(seeded.getLatestReadyRevision())
        .isEqualTo(updated.getLatestCreatedRevision()).startsWith(API + "/revisions/api-00002-");
    assertThat(updated.getTrafficStatusesList()).singleElement().satisfies(status -> {
      assertThat(status.getType()).isEqualTo(TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST);
      assertThat(status.getRevision()).isEqualTo(id(updated.getLatestReadyRevision()));
      assertThat(status.getPercent()).isEqualTo(100);
    });
    assertThat(updated.getGeneration()).isEqualTo(seeded.getGeneration() + 1);
    assertThat(updated.getEtag()).isNotEqualTo(seeded.getEtag());
    Revision revision = revisions.getRevision(updated.getLatestReadyRevision());
    assertThat(revision.getContainers(0).getEnv(0).getValueSource().getSecretKeyRef().getVersion()).isEqualTo("2");
    assertThat(revision.getConditionsList()).anySatisfy(condition -> {
      assertThat(condition.getType()).isEqualTo("Ready");
      assertThat(condition.getState()).isEqualTo(Condition.State.CONDITION_SUCCEEDED);
    });
    assertThat(services.getService(API)).isEqualTo(updated);
  }

  @Test
  void trafficMovesBetweenRevisionsWithoutANewRevision() throws Exception {
    cloudRun.seedService(API, List.of(named("api-blue", "1"), named("api-green", "2")),
        List.of(toRevision("api-blue", 100)));

    Service split = services.updateServiceAsync(services.getService(API).toBuilder().clearTraffic()
        .addTraffic(toRevision("api-blue", 10)).addTraffic(toRevision("api-green", 90)).build()).get();

    assertThat(split.getTrafficStatusesList()).extracting(TrafficTargetStatus::getRevision,
        TrafficTargetStatus::getPercent).containsExactly(
            tuple("api-blue", 10), tuple("api-green", 90));
    assertThat(cloudRun.revisions(API)).hasSize(2);
    assertThat(cloudRun.calls("UpdateService")).singleElement().satisfies(call ->
        assertThat(call.summary()).isEqualTo(API + " traffic=[api-blue:10,api-green:90]"));
  }

  @Test
  void anUpdateMaskChangesOnlyTheFieldsItNames() throws Exception {
    Service seeded = cloudRun.seedService(API, List.of(named("api-blue", "1"), named("api-green", "2")),
        List.of(toRevision("api-green", 100)));

    Service moved = services.updateServiceAsync(Service.newBuilder().setName(API)
        .addTraffic(toRevision("api-blue", 100)).build(), FieldMask.newBuilder().addPaths("traffic").build()).get();

    assertThat(moved.getTemplate()).isEqualTo(seeded.getTemplate());
    assertThat(moved.getTrafficStatusesList()).extracting(TrafficTargetStatus::getRevision).containsExactly("api-blue");
    assertThat(cloudRun.revisions(API)).hasSize(2);
  }

  @Test
  void updateOperationIsPolledUntilDone() throws Exception {
    cloudRun.seedService(API, template("db-password", "1"));
    cloudRun.completeOperationsAfterPolls(3);

    OperationFuture<Service, Service> update = services.updateServiceAsync(services.getService(API).toBuilder()
        .setTemplate(template("db-password", "2")).build());
    Service updated = update.get();

    assertThat(cloudRun.calls("GetOperation")).hasSize(3)
        .allSatisfy(call -> assertThat(call.summary()).isEqualTo(update.getName()));
    assertThat(update.getName()).startsWith("projects/photobomb/locations/europe-west1/operations/");
    assertThat(updated.getReconciling()).isFalse();
    assertThat(updated.getObservedGeneration()).isEqualTo(updated.getGeneration());
  }

  @Test
  void aStoredOperationNameResumesPollingFromAnotherClient() throws Exception {
    cloudRun.seedService(API, template("db-password", "1"));
    cloudRun.completeOperationsAfterPolls(2);
    // what a saga stores before it awaits: the operation's name from the initial call
    String operationName = services.updateServiceCallable().call(UpdateServiceRequest.newBuilder()
        .setService(services.getService(API).toBuilder().setTemplate(template("db-password", "2")))
        .build()).getName();
    assertThat(services.getService(API).getReconciling()).isTrue();

    try (ServicesClient afterRestart = GoogleClients.services(channel)) {
      Service updated = afterRestart.updateServiceOperationCallable().resumeFutureCall(operationName).get();

      assertThat(updated.getLatestReadyRevision()).startsWith(API + "/revisions/api-00002-");
      assertThat(cloudRun.calls("UpdateService")).hasSize(1);
    }
  }

  @Test
  void trafficThatDoesNotAddUpOrNamesAnUnknownRevisionIsRejected() {
    Service seeded = cloudRun.seedService(API, template("db-password", "1"));

    assertThatThrownBy(() -> services.updateServiceAsync(seeded.toBuilder().clearTraffic()
        .addTraffic(toRevision(id(seeded.getLatestReadyRevision()), 90)).build()).get())
        .isInstanceOf(ExecutionException.class).cause().satisfies(invalidArgument());
    assertThatThrownBy(() -> services.updateServiceAsync(seeded.toBuilder().clearTraffic()
        .addTraffic(toRevision("api-00009-zzz", 100)).build()).get())
        .cause().satisfies(invalidArgument()).hasMessageContaining("api-00009-zzz");
    assertThat(services.getService(API)).isEqualTo(seeded);
    assertThat(cloudRun.revisions(API)).hasSize(1);
  }

  @Test
  void aStaleEtagIsAborted() throws Exception {
    Service seeded = cloudRun.seedService(API, template("db-password", "1"));
    services.updateServiceAsync(seeded.toBuilder().setTemplate(template("db-password", "2")).build()).get();

    assertThatThrownBy(() -> services.updateServiceAsync(seeded.toBuilder()
        .setTemplate(template("db-password", "3")).build()).get())
        .cause().isInstanceOfSatisfying(ApiException.class, e ->
            assertThat(e.getStatusCode().getCode()).isEqualTo(StatusCode.Code.ABORTED));
  }

  @Test
  void revisionsAreListedNewestFirstAcrossPages() {
    cloudRun.seedService(API, List.of(named("api-one", "1"), named("api-two", "2"), named("api-three", "3")),
        List.of());

    List<Revision> listed = new ArrayList<>();
    revisions.listRevisions(ListRevisionsRequest.newBuilder().setParent(API).setPageSize(2).build())
        .iterateAll().forEach(listed::add);

    assertThat(listed).extracting(revision -> id(revision.getName()))
        .containsExactly("api-three", "api-two", "api-one");
    assertThat(listed).extracting(revision -> Timestamps.toNanos(revision.getCreateTime()))
        .isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(cloudRun.calls("ListRevisions")).hasSize(2);
  }

  @Test
  void aRevisionThatDoesNotBecomeReadyFailsTheOperationAndKeepsTheTraffic() throws Exception {
    Service seeded = cloudRun.seedService(API, template("db-password", "1"));
    cloudRun.revisionsFailToBecomeReady(true);

    assertThatThrownBy(() -> services.updateServiceAsync(seeded.toBuilder()
        .setTemplate(template("db-password", "2")).build()).get())
        .cause().isInstanceOfSatisfying(ApiException.class, e ->
            assertThat(e.getStatusCode().getCode()).isEqualTo(StatusCode.Code.FAILED_PRECONDITION))
        .hasMessageContaining("is not ready and cannot serve traffic");

    Service after = services.getService(API);
    assertThat(after.getLatestCreatedRevision()).isNotEqualTo(seeded.getLatestCreatedRevision());
    assertThat(after.getLatestReadyRevision()).isEqualTo(seeded.getLatestReadyRevision());
    assertThat(after.getTrafficStatusesList()).isEqualTo(seeded.getTrafficStatusesList());
    assertThat(after.getTerminalCondition().getState()).isEqualTo(Condition.State.CONDITION_FAILED);
    assertThat(revisions.getRevision(after.getLatestCreatedRevision()).getConditions(0).getState())
        .isEqualTo(Condition.State.CONDITION_FAILED);
  }

  @Test
  void anInjectedFailureReachesTheClientAsItsApiException() {
    cloudRun.seedService(API, template("db-password", "1"));
    cloudRun.failNextCalls("GetService", Status.PERMISSION_DENIED, 1);

    assertThatThrownBy(() -> services.getService(API)).isInstanceOfSatisfying(
        PermissionDeniedException.class, e ->
            assertThat(e.getStatusCode().getCode()).isEqualTo(StatusCode.Code.PERMISSION_DENIED));
    assertThat(services.getService(API).getName()).isEqualTo(API);
    assertThat(cloudRun.calls("GetService")).hasSize(2);
  }

  static RevisionTemplate template(String secret, String version) {
    return RevisionTemplate.newBuilder().addContainers(Container.newBuilder()
        .setImage("europe-docker.pkg.dev/photobomb/api/api:1.4.2")
        .addEnv(EnvVar.newBuilder().setName("DB_PASSWORD").setValueSource(EnvVarSource.newBuilder()
            .setSecretKeyRef(SecretKeySelector.newBuilder().setSecret(secret).setVersion(version))))).build();
  }

  private static RevisionTemplate named(String revision, String secretVersion) {
    return template("db-password", secretVersion).toBuilder().setRevision(revision).build();
  }

  private static TrafficTarget toRevision(String revision, int percent) {
    return TrafficTarget.newBuilder().setType(TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION).setRevision(revision)
        .setPercent(percent).build();
  }

  private static Consumer<Throwable> invalidArgument() {
    return e -> assertThat(e).isInstanceOfSatisfying(ApiException.class, api ->
        assertThat(api.getStatusCode().getCode()).isEqualTo(StatusCode.Code.INVALID_ARGUMENT));
  }

  private static String id(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }
}
