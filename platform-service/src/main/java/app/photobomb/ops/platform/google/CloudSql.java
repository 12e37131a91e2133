package app.photobomb.ops.platform.google;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.services.sqladmin.SQLAdmin;
import com.google.api.services.sqladmin.model.BackupRun;
import com.google.api.services.sqladmin.model.DatabaseInstance;
import com.google.api.services.sqladmin.model.InstancesRestoreBackupRequest;
import com.google.api.services.sqladmin.model.Operation;
import com.google.api.services.sqladmin.model.RestoreBackupContext;
import com.google.api.services.sqladmin.model.User;
import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The Cloud SQL Admin calls of the sagas, in one project. */
public class CloudSql {

  private final SQLAdmin api;
  private final String project;

  public CloudSql(SQLAdmin api, String project) {
    this.api = api;
    this.project = project;
  }

  public DatabaseInstance instance(String name) throws IOException {
    return api.instances().get(project, name).execute();
  }

  /** Patches the settings it is given; the body's settingsVersion makes a concurrent edit fail instead of winning. */
  public Operation patch(String name, DatabaseInstance changes) throws IOException {
    return api.instances().patch(project, name, changes).execute();
  }

  /** The instance, empty when it does not exist (404). */
  public Optional<DatabaseInstance> findInstance(String name) throws IOException {
    try {
      return Optional.of(instance(name));
    } catch (GoogleJsonResponseException e) {
      if (e.getStatusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The names of the instance's read replicas (instances.get's replicaNames). */
  public List<String> replicasOf(String name) throws IOException {
    List<String> replicas = instance(name).getReplicaNames();
    return replicas == null ? List.of() : List.copyOf(replicas);
  }

  /** The instance's backup runs, newest first (one page: Cloud SQL keeps the last few dozen). */
  public List<BackupRun> backupRuns(String instance) throws IOException {
    List<BackupRun> runs = api.backupRuns().list(project, instance).setMaxResults(500).execute().getItems();
    return runs == null ? List.of() : runs;
  }

  public Operation insert(DatabaseInstance instance) throws IOException {
    return api.instances().insert(project, instance).execute();
  }

  /** Restores backup run {@code backupRunId} of {@code sourceInstance} into {@code target} (overwriting it). */
  public Operation restoreBackup(String target, String sourceInstance, long backupRunId) throws IOException {
    return api.instances().restoreBackup(project, target, new InstancesRestoreBackupRequest().setRestoreBackupContext(
        new RestoreBackupContext().setBackupRunId(backupRunId).setInstanceId(sourceInstance).setProject(project)))
        .execute();
  }

  public Operation delete(String name) throws IOException {
    return api.instances().delete(project, name).execute();
  }

  /** Sets a database user's password (users.update); the value goes in the request body only. */
  public Operation setPassword(String instance, String user, String password) throws IOException {
    return api.users().update(project, instance, new User().setName(user).setPassword(password)).setName(user)
        .execute();
  }

  /** The names of the instance's database users. */
  public List<String> users(String instance) throws IOException {
    var users = api.users().list(project, instance).execute().getItems();
    return users == null ? List.of() : users.stream().map(User::getName).toList();
  }

  /** The instance's latest operations, newest first (operations.list, one page of 50). */
  public List<Operation> operationsOf(String instance) throws IOException {
    List<Operation> operations = api.operations().list(project).setInstance(instance).setMaxResults(50L).execute()
        .getItems();
    return operations == null ? List.of() : operations;
  }

  /**
   * The newest operation of this type (UPDATE, RESTORE_VOLUME...) on the instance inserted at or after {@code since},
   * running or finished: what a step finds of the call it made before a crash lost the operation's name.
   */
  public Optional<Operation> latestOperation(String instance, String operationType, Instant since)
      throws IOException {
    return operationsOf(instance).stream()
        .filter(operation -> operationType.equals(operation.getOperationType()))
        .filter(operation -> operation.getInsertTime() != null
            && !Instant.parse(operation.getInsertTime()).isBefore(since))
        .max(Comparator.comparing(operation -> Instant.parse(operation.getInsertTime())));
  }

  /** The operation as a step awaits it: its status (PENDING, RUNNING, DONE) and, once done, its error in words. */
  public Polled poll(String operationName) throws IOException {
    Operation operation = api.operations().get(project, operationName).execute();
    return new Polled(operation.getStatus(), "DONE".equals(operation.getStatus()) ? errorOf(operation) : null);
  }

  /** A polled operation; {@code error} null unless it is done and failed. */
  public record Polled(String status, String error) {

    public boolean done() {
      return "DONE".equals(status);
    }

    public boolean failed() {
      return error != null;
    }
  }

  private static String errorOf(Operation operation) {
    if (operation.getError() == null || operation.getError().getErrors() == null
        || operation.getError().getErrors().isEmpty()) {
      return null;
    }
    return operation.getError().getErrors().stream().map(error -> error.getCode() + ": " + error.getMessage())
        .reduce((a, b) -> a + "; " + b).orElse(null);
  }
}
