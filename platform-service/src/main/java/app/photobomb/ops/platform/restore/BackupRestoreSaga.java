package app.photobomb.ops.platform.restore;

import app.photobomb.ops.common.events.BackupRestoreRequested;
import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.platform.google.CloudRunService;
import app.photobomb.ops.platform.google.CloudSql;
import app.photobomb.ops.platform.google.GoogleProperties;
import app.photobomb.ops.platform.saga.Plan;
import app.photobomb.ops.platform.saga.Saga;
import com.google.api.services.sqladmin.model.BackupRun;
import com.google.cloud.run.v2.RevisionsClient;
import com.google.cloud.run.v2.ServicesClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Runbook task 1 as a saga. {@code new_instance} (default): choose the backup, restore it into a new instance, validate
 * it, then move the API to a new revision on it, keeping the old primary as the rollback. {@code in_place} (the
 * runbook's): close the API, restore over the instance (its read replicas deleted first, only when the command
 * accepts losing them), validate, reopen.
 */
@Component
public class BackupRestoreSaga implements Saga<BackupRestoreRequested> {

  private final CloudSql cloudSql;
  private final CloudRunService api;
  private final Validation validation;
  private final RestoreProperties properties;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  BackupRestoreSaga(CloudSql cloudSql, ServicesClient services, RevisionsClient revisions, GoogleProperties google,
      Validation validation, RestoreProperties properties) {
    this.cloudSql = cloudSql;
    this.api = new CloudRunService(services, revisions, google, properties.apiService());
    this.validation = validation;
    this.properties = properties;
  }

  @Override
  public String name() {
    return "restore";
  }

  @Override
  public MessageType<BackupRestoreRequested> commandType() {
    return MessageCatalog.BACKUP_RESTORE_REQUESTED;
  }

  @Override
  public Optional<String> refusal(BackupRestoreRequested command) {
    boolean inPlace = BackupRestoreRequested.IN_PLACE.equals(command.effectiveMode());
    if (inPlace && command.targetInstance() != null) {
      return Optional.of("targetInstance is for mode new_instance; in_place restores into " + command.instance());
    }
    if (command.instance().equals(command.targetInstance())) {
      return Optional.of("targetInstance is the instance itself: leave it out for a new name, or use mode in_place");
    }
    if (inPlace && !command.acceptReplicaLoss()) {
      try {
        List<String> replicas = cloudSql.replicasOf(command.instance());
        if (!replicas.isEmpty()) {
          return Optional.of(SqlSteps.replicaRefusal(command.instance(), replicas));
        }
      } catch (Exception e) {
        // unreadable now: the check-replicas step refuses at run time if replicas exist
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  @Override
  public Plan plan(BackupRestoreRequested command) {
    SqlSteps.ChooseBackup choose = new SqlSteps.ChooseBackup(cloudSql, validation, properties, command);
    if (BackupRestoreRequested.IN_PLACE.equals(command.effectiveMode())) {
      return new Plan(List.of(choose,
          new SqlSteps.Replicas(cloudSql, properties, command),
          new ApiSteps.Ingress(api, properties, true),
          new SqlSteps.RestoreBackup(cloudSql, properties, command, true),
          new SqlSteps.Validate(cloudSql, validation, properties, command, true),
          new ApiSteps.Ingress(api, properties, false),
          new ApiSteps.VerifyHealth(properties, command, true, http)));
    }
    return new Plan(List.of(choose,
        new SqlSteps.CreateInstance(cloudSql, properties, command),
        new SqlSteps.RestoreBackup(cloudSql, properties, command, false),
        new SqlSteps.Validate(cloudSql, validation, properties, command, false),
        new ApiSteps.SwitchApi(api, properties, command),
        new ApiSteps.VerifyHealth(properties, command, false, http)));
  }

  @Override
  public List<String> notes(BackupRestoreRequested command, Plan plan) {
    List<String> notes = new ArrayList<>();
    try {
      List<BackupRun> runs = cloudSql.backupRuns(command.instance());
      notes.add(SqlSteps.chosen(runs, command.backupRunId()).map(run -> "backup: run " + run.getId() + " ("
          + run.getStatus() + ", window start " + run.getWindowStartTime() + ")")
          .orElse("backup: none found that fits (the first step will fail)"));
    } catch (Exception e) {
      notes.add("the backup runs could not be read (" + e.getMessage() + ")");
    }
    if (BackupRestoreRequested.IN_PLACE.equals(command.effectiveMode())) {
      notes.add("in place: " + command.instance() + " is overwritten, and the API takes no requests from close-api to "
          + "reopen-api");
      if (command.acceptReplicaLoss()) {
        notes.add("its read replicas are deleted first (Cloud SQL requires it): this removes the runbook's rollback "
            + "\"switch to read replica\"; after the restore they must be created again");
      }
      notes.add("rollback: none once restore-backup ran; a failure before it reopens the API");
    } else {
      notes.add("new instance " + SqlSteps.plannedNewInstance(command) + "; the API moves to it only after "
          + "validation; " + command.instance() + " is kept unchanged as the rollback (traffic back to the revision "
          + "serving now)");
      notes.add("the new instance is billed like " + command.instance() + " until it or the old primary is deleted");
    }
    return notes;
  }
}
