package app.photobomb.ops.testsupport.google;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.sqladmin.SQLAdmin;
import com.google.api.services.sqladmin.model.BackupRun;
import com.google.api.services.sqladmin.model.DatabaseFlags;
import com.google.api.services.sqladmin.model.DatabaseInstance;
import com.google.api.services.sqladmin.model.InstancesRestoreBackupRequest;
import com.google.api.services.sqladmin.model.Operation;
import com.google.api.services.sqladmin.model.RestoreBackupContext;
import com.google.api.services.sqladmin.model.Settings;
import com.google.api.services.sqladmin.model.User;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Cloud SQL Admin fake through the real {@code SQLAdmin} client, built with its root URL and no credentials. */
class FakeSqlAdminTest {

  private static final String PROJECT = "photobomb-prod";
  private static final String PRIMARY = "photobomb-db";
  private static final String REPLICA = "photobomb-db-replica";
  private static final Instant NIGHT = Instant.parse("2026-12-01T03:00:00Z");

  private FakeSqlAdmin fake;
  private SQLAdmin sql;

  @BeforeEach
  void start() {
    fake = FakeSqlAdmin.start(PROJECT)
        .seedInstance(PRIMARY, "POSTGRES_15", "db-custom-4-16384", Map.of("max_connections", "200"))
        .seedReplica(PRIMARY, REPLICA)
        .seedBackup(PRIMARY, 1001, "SUCCESSFUL", NIGHT.minus(Duration.ofDays(1)))
        .seedBackup(PRIMARY, 1002, "SUCCESSFUL", NIGHT)
        .seedBackup(PRIMARY, 1003, "FAILED", NIGHT.plus(Duration.ofHours(1)))
        .seedUser(PRIMARY, "photobomb_a");
    // the client as the platform-service builds it: the fake's root URL, an initializer that adds no credentials
    sql = new SQLAdmin.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), request -> { })
        .setRootUrl(fake.rootUrl())
        .setServicePath("")
        .setApplicationName("photobomb-ops")
        .build();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void instancesBackupRunsAndReplicasReadAsTheApiShapesThem() throws IOException {
    DatabaseInstance primary = sql.instances().get(PROJECT, PRIMARY).execute();

    assertThat(primary.getState()).isEqualTo("RUNNABLE");
    assertThat(primary.getDatabaseVersion()).isEqualTo("POSTGRES_15");
    assertThat(primary.getSettings().getTier()).isEqualTo("db-custom-4-16384");
    assertThat(primary.getSettings().getSettingsVersion()).isEqualTo(1L);
    assertThat(primary.getSettings().getDatabaseFlags()).extracting(DatabaseFlags::getName, DatabaseFlags::getValue)
        .containsExactly(tuple("max_connections", "200"));
    assertThat(primary.getSettings().getMaintenanceWindow().getDay()).isEqualTo(7);
    assertThat(primary.getSettings().getMaintenanceWindow().getHour()).isEqualTo(10);
    assertThat(primary.getReplicaNames()).containsExactly(REPLICA);
    assertThat(primary.getIpAddresses()).hasSize(1);
    assertThat(sql.instances().get(PROJECT, REPLICA).execute().getMasterInstanceName()).isEqualTo(PRIMARY);
    assertThat(sql.instances().list(PROJECT).execute().getItems()).extracting(DatabaseInstance::getName)
        .containsExactly(PRIMARY, REPLICA);

    List<BackupRun> runs = sql.backupRuns().list(PROJECT, PRIMARY).execute().getItems();
    assertThat(runs).extracting(BackupRun::getId).as("newest first").containsExactly(1003L, 1002L, 1001L);
    assertThat(runs).extracting(BackupRun::getStatus).containsExactly("FAILED", "SUCCESSFUL", "SUCCESSFUL");
    assertThat(runs.get(1).getWindowStartTime()).isEqualTo(NIGHT.toString());

    GoogleJsonResponseException missing = assertThrows(() -> sql.instances().get(PROJECT, "nope").execute());
    assertThat(missing.getStatusCode()).isEqualTo(404);
    assertThat(missing.getDetails().getErrors().get(0).getReason()).isEqualTo("instanceDoesNotExist");
  }

  @Test
  void patchStepsItsOperationToDoneThenMergesTheSettingsAndAStaleSettingsVersionIsRefusedWith412() throws IOException {
    DatabaseInstance current = sql.instances().get(PROJECT, PRIMARY).execute();
    List<DatabaseFlags> flags = new ArrayList<>(current.getSettings().getDatabaseFlags());
    flags.add(new DatabaseFlags().setName("work_mem").setValue("8192"));
    flags.set(0, new DatabaseFlags().setName("max_connections").setValue("400"));
    Settings patch = new Settings().setTier("db-custom-8-32768").setDatabaseFlags(flags)
        .setSettingsVersion(current.getSettings().getSettingsVersion());

    Operation started = sql.instances().patch(PROJECT, PRIMARY, new DatabaseInstance().setSettings(patch)).execute();

    assertThat(started.getStatus()).isEqualTo("PENDING");
    assertThat(started.getOperationType()).isEqualTo("UPDATE");
    assertThat(started.getTargetId()).isEqualTo(PRIMARY);
    assertThat(fake.instance(PRIMARY).orElseThrow().tier()).as("nothing changes before DONE")
        .isEqualTo("db-custom-4-16384");
    assertThat(poll(started).getStatus()).isEqualTo("RUNNING");
    Operation done = poll(started);
    assertThat(done.getStatus()).isEqualTo("DONE");
    assertThat(done.getError()).isNull();

    FakeSqlAdmin.Instance patched = fake.instance(PRIMARY).orElseThrow();
    assertThat(patched.tier()).isEqualTo("db-custom-8-32768");
    assertThat(patched.databaseFlags()).containsOnly(Map.entry("max_connections", "400"),
        Map.entry("work_mem", "8192"));
    assertThat(patched.settingsVersion()).isEqualTo(2);
    assertThat(patched.restarts()).isEqualTo(1);
    assertThat(patched.maintenanceDay()).as("settings not given are kept").isEqualTo(7);

    GoogleJsonResponseException stale = assertThrows(() -> sql.instances().patch(PROJECT, PRIMARY,
        new DatabaseInstance().setSettings(new Settings().setTier("db-custom-2-8192").setSettingsVersion(1L)))
        .execute());
    assertThat(stale.getStatusCode()).isEqualTo(412);
    assertThat(stale.getDetails().getMessage()).isEqualTo("Condition does not match.");
    assertThat(stale.getDetails().getErrors().get(0).getReason()).isEqualTo("staleData");
    assertThat(fake.instance(PRIMARY).orElseThrow().tier()).isEqualTo("db-custom-8-32768");
    assertThat(fake.calls()).extracting(FakeSqlAdmin.Call::method).contains("PATCH");
  }

  @Test
  void aSecondMutationWhileAnOperationRunsIsRefusedWith409OperationInProgress() throws IOException {
    Operation first = sql.instances().patch(PROJECT, PRIMARY,
        new DatabaseInstance().setSettings(new Settings().setTier("db-custom-8-32768"))).execute();

    GoogleJsonResponseException busy = assertThrows(() -> sql.users().insert(PROJECT, PRIMARY,
        new User().setName("photobomb_b")).execute());

    assertThat(busy.getStatusCode()).isEqualTo(409);
    assertThat(busy.getDetails().getErrors().get(0).getReason()).isEqualTo("operationInProgress");
    awaitDone(first);
    assertThat(awaitDone(sql.users().insert(PROJECT, PRIMARY, new User().setName("photobomb_b")).execute())
        .getError()).isNull();
  }

  @Test
  void restoreIntoANewInstanceIsRecordedWhileInPlaceOverReplicasIsRefusedUntilTheyAreDeleted() throws IOException {
    fake.operationSteps(1);
    InstancesRestoreBackupRequest restore = new InstancesRestoreBackupRequest().setRestoreBackupContext(
        new RestoreBackupContext().setBackupRunId(1002L).setInstanceId(PRIMARY).setProject(PROJECT));

    GoogleJsonResponseException inPlace = assertThrows(() -> sql.instances().restoreBackup(PROJECT, PRIMARY, restore)
        .execute());
    assertThat(inPlace.getStatusCode()).isEqualTo(400);
    assertThat(inPlace.getDetails().getErrors().get(0).getReason()).isEqualTo("invalidOperation");

    Operation created = sql.instances().insert(PROJECT, new DatabaseInstance().setName("photobomb-db-restored")
        .setDatabaseVersion("POSTGRES_15").setRegion("us-central1")
        .setSettings(new Settings().setTier("db-custom-4-16384"))).execute();
    assertThat(created.getOperationType()).isEqualTo("CREATE");
    assertThat(fake.instance("photobomb-db-restored").orElseThrow().state()).isEqualTo("PENDING_CREATE");
    awaitDone(created);
    Operation restoring = sql.instances().restoreBackup(PROJECT, "photobomb-db-restored", restore).execute();
    assertThat(restoring.getOperationType()).isEqualTo("RESTORE_VOLUME");
    assertThat(awaitDone(restoring).getError()).isNull();

    FakeSqlAdmin.Instance restored = fake.instance("photobomb-db-restored").orElseThrow();
    assertThat(restored.state()).isEqualTo("RUNNABLE");
    assertThat(restored.restores()).containsExactly(new FakeSqlAdmin.Restore(PRIMARY, 1002, NIGHT));
    assertThat(fake.instance(PRIMARY).orElseThrow().restores()).as("the old primary is untouched").isEmpty();

    GoogleJsonResponseException failedRun = assertThrows(() -> sql.instances().restoreBackup(PROJECT,
        "photobomb-db-restored", new InstancesRestoreBackupRequest().setRestoreBackupContext(
            new RestoreBackupContext().setBackupRunId(1003L).setInstanceId(PRIMARY))).execute());
    assertThat(failedRun.getStatusCode()).isEqualTo(400);

    assertThat(awaitDone(sql.instances().delete(PROJECT, REPLICA).execute()).getOperationType()).isEqualTo("DELETE");
    assertThat(fake.instance(REPLICA)).isEmpty();
    assertThat(fake.instance(PRIMARY).orElseThrow().replicaNames()).isEmpty();
    assertThat(awaitDone(sql.instances().restoreBackup(PROJECT, PRIMARY, restore).execute()).getError()).isNull();
    assertThat(fake.instance(PRIMARY).orElseThrow().restores()).hasSize(1);
  }

  @Test
  void aFailedOperationEndsDoneWithItsErrorAndNoEffectAndAnInjectedHttpFailureAnswersGooglesErrorBody()
      throws IOException {
    fake.operationSteps(0).failNextOperation("UPDATE", "INTERNAL_ERROR", "An internal error has occurred.");

    Operation failed = sql.instances().patch(PROJECT, PRIMARY,
        new DatabaseInstance().setSettings(new Settings().setTier("db-custom-8-32768"))).execute();

    assertThat(failed.getStatus()).as("0 steps: done as it starts").isEqualTo("DONE");
    assertThat(failed.getError().getErrors()).singleElement().satisfies(error -> {
      assertThat(error.getCode()).isEqualTo("INTERNAL_ERROR");
      assertThat(error.getMessage()).isEqualTo("An internal error has occurred.");
    });
    assertThat(fake.instance(PRIMARY).orElseThrow().tier()).isEqualTo("db-custom-4-16384");
    assertThat(fake.instance(PRIMARY).orElseThrow().settingsVersion()).isEqualTo(1);

    fake.failNext("v1/projects/" + PROJECT + "/instances/" + PRIMARY + "/backupRuns", 503);
    GoogleJsonResponseException unavailable = assertThrows(() -> sql.backupRuns().list(PROJECT, PRIMARY).execute());
    assertThat(unavailable.getStatusCode()).isEqualTo(503);
    assertThat(unavailable.getDetails().getErrors().get(0).getReason()).isEqualTo("backendError");
    assertThat(sql.backupRuns().list(PROJECT, PRIMARY).execute().getItems()).as("only the next call").hasSize(3);
  }

  @Test
  void setPasswordCountsTheChangeAndTheValueIsNeitherKeptNorInTheCallLog() throws IOException {
    String secret = "s3cret-" + System.nanoTime();

    Operation update = sql.users().update(PROJECT, PRIMARY, new User().setName("photobomb_a").setPassword(secret))
        .setName("photobomb_a").execute();

    assertThat(update.getOperationType()).isEqualTo("UPDATE_USER");
    assertThat(fake.instance(PRIMARY).orElseThrow().passwordChanges()).containsEntry("photobomb_a", 0);
    awaitDone(update);
    assertThat(awaitDone(sql.users().insert(PROJECT, PRIMARY, new User().setName("photobomb_b").setPassword(secret))
        .execute()).getOperationType()).isEqualTo("CREATE_USER");
    assertThat(sql.users().list(PROJECT, PRIMARY).execute().getItems()).extracting(User::getName)
        .containsExactly("photobomb_a", "photobomb_b");
    assertThat(fake.instance(PRIMARY).orElseThrow().passwordChanges()).containsEntry("photobomb_a", 1)
        .containsEntry("photobomb_b", 0);
    assertThat(fake.calls()).contains(new FakeSqlAdmin.Call("PUT",
        "/v1/projects/" + PROJECT + "/instances/" + PRIMARY + "/users?name=photobomb_a"));
    assertThat(fake.calls().toString()).doesNotContain(secret);
    assertThat(fake.instance(PRIMARY).orElseThrow().toString()).doesNotContain(secret);
  }

  private Operation poll(Operation operation) throws IOException {
    return sql.operations().get(PROJECT, operation.getName()).execute();
  }

  private Operation awaitDone(Operation operation) {
    return await().atMost(Duration.ofSeconds(10)).until(() -> poll(operation), polled -> "DONE".equals(
        polled.getStatus()));
  }

  private interface Call {
    void run() throws IOException;
  }

  private static GoogleJsonResponseException assertThrows(Call call) {
    GoogleJsonResponseException[] caught = new GoogleJsonResponseException[1];
    assertThatThrownBy(call::run).isInstanceOfSatisfying(GoogleJsonResponseException.class, e -> caught[0] = e);
    return caught[0];
  }
}
