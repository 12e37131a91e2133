package app.photobomb.ops.platform.restore;

import app.photobomb.ops.common.events.BackupRestoreRequested;
import app.photobomb.ops.platform.google.CloudSql;
import app.photobomb.ops.platform.saga.Step;
import app.photobomb.ops.platform.saga.StepContext;
import app.photobomb.ops.platform.saga.StepOutcome;
import com.google.api.services.sqladmin.model.BackupRun;
import com.google.api.services.sqladmin.model.DatabaseInstance;
import com.google.api.services.sqladmin.model.Operation;
import com.google.api.services.sqladmin.model.Settings;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Cloud SQL steps of the restore saga: choose the backup, make the new instance, restore, validate. */
final class SqlSteps {

  static final String OPERATION_LABEL = "photobomb-operation";
  static final String STARTED_AT = "startedAt";
  static final String BACKUP_RUN_ID = "backupRunId";
  static final String BACKUP_START = "backupWindowStart";
  static final String SOURCE_SCHEMA = "sourceSchemaVersion";
  static final String SOURCE_SCHEMA_UNREADABLE = "sourceSchemaUnreadable";
  static final String NEW_INSTANCE = "newInstance";
  static final String NEW_CONNECTION = "newConnectionName";
  private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm")
      .withZone(ZoneOffset.UTC);

  private SqlSteps() {
  }

  /** The instance the backup is restored into: the command's target, else the instance's name and the start time. */
  static String newInstanceName(BackupRestoreRequested command, StepContext context) {
    return command.targetInstance() != null ? command.targetInstance()
        : command.instance() + "-restore-" + NAME_TIME.format(Instant.parse(context.fact(STARTED_AT).orElseThrow()));
  }

  static String plannedNewInstance(BackupRestoreRequested command) {
    return command.targetInstance() != null ? command.targetInstance()
        : command.instance() + "-restore-<yyyyMMdd-HHmm>";
  }

  /** The newest SUCCESSFUL run, or the one the command names. */
  static Optional<BackupRun> chosen(List<BackupRun> runs, Long backupRunId) {
    return runs.stream().filter(run -> backupRunId == null ? "SUCCESSFUL".equals(run.getStatus())
            : backupRunId.equals(run.getId()))
        .max(Comparator.comparing(run -> Instant.parse(String.valueOf(run.getWindowStartTime()))));
  }

  /** When the backup was chosen: a Cloud SQL operation on the saga's instances since then is the saga's own. */
  static Instant startedAt(StepContext context) {
    return Instant.parse(context.fact(STARTED_AT).orElseThrow());
  }

  /** Reads the source and chooses the backup; the source's schema version is read now, before anything changes. */
  record ChooseBackup(CloudSql cloudSql, Validation validation, RestoreProperties properties,
      BackupRestoreRequested command) implements Step {

    @Override
    public String name() {
      return "choose-backup";
    }

    @Override
    public String resource() {
      return "backup runs of cloudsql instance " + command.instance() + ": "
          + (command.backupRunId() == null ? "the newest SUCCESSFUL one" : "run " + command.backupRunId());
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      DatabaseInstance source = cloudSql.instance(command.instance());
      Optional<BackupRun> run = chosen(cloudSql.backupRuns(command.instance()), command.backupRunId());
      if (run.isEmpty()) {
        return StepOutcome.fail(command.backupRunId() == null
            ? command.instance() + " has no SUCCESSFUL backup run: nothing to restore (gcloud sql backups list "
                + "--instance=" + command.instance() + ")"
            : "backup run " + command.backupRunId() + " of " + command.instance() + " does not exist: choose one of "
                + "gcloud sql backups list --instance=" + command.instance());
      }
      if (!"SUCCESSFUL".equals(run.get().getStatus())) {
        return StepOutcome.fail("backup run " + run.get().getId() + " of " + command.instance() + " is "
            + run.get().getStatus() + ", not SUCCESSFUL: choose another, or leave backupRunId out for the newest one");
      }
      context.remember(STARTED_AT, context.now().toString());
      context.remember(BACKUP_RUN_ID, String.valueOf(run.get().getId()));
      context.remember(BACKUP_START, String.valueOf(run.get().getWindowStartTime()));
      context.remember("sourceDatabaseVersion", source.getDatabaseVersion());
      context.remember("sourceTier", source.getSettings().getTier());
      context.remember("sourceRegion", source.getRegion());
      context.remember("sourceConnectionName", source.getConnectionName());
      if (properties.expectedSchemaVersion() != null) {
        context.remember(SOURCE_SCHEMA, properties.expectedSchemaVersion());
      } else {
        try {
          context.remember(SOURCE_SCHEMA, String.valueOf(validation.schemaVersion(source)));
        } catch (SQLException e) {
          // a corrupted source may not answer: validation then says how to give the version
          context.remember(SOURCE_SCHEMA_UNREADABLE, e.getMessage());
        }
      }
      context.result("backupRunId", String.valueOf(run.get().getId()));
      context.result("backupWindowStartTime", String.valueOf(run.get().getWindowStartTime()));
      return StepOutcome.done("backup run " + run.get().getId() + " of " + command.instance() + " (window start "
          + run.get().getWindowStartTime() + "), schema version " + context.fact(SOURCE_SCHEMA).orElse("unread"));
    }
  }

  /** A new instance of the source's database version, tier and region, labelled with the operation's id. */
  record CreateInstance(CloudSql cloudSql, RestoreProperties properties, BackupRestoreRequested command)
      implements Step {

    private static final String OPERATION = "createOperation";

    @Override
    public String name() {
      return "create-instance";
    }

    @Override
    public String resource() {
      return "new cloudsql instance " + plannedNewInstance(command) + " (database version, tier and region of "
          + command.instance() + ")";
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      String name = newInstanceName(command, context);
      Optional<String> started = context.fact(OPERATION);
      if (started.isPresent()) {
        CloudSql.Polled polled = cloudSql.poll(started.get());
        if (!polled.done()) {
          return StepOutcome.waitFor(properties.pollInterval(), "creating " + name);
        }
        if (polled.failed()) {
          return StepOutcome.fail("creating " + name + " failed (" + polled.error() + "); nothing was restored and "
              + command.instance() + " is unchanged: send the command again with a new operationId");
        }
        return created(context, cloudSql.instance(name), "created ");
      }
      Optional<DatabaseInstance> existing = cloudSql.findInstance(name);
      if (existing.isPresent()) {
        Map<String, String> labels = existing.get().getSettings() == null ? null
            : existing.get().getSettings().getUserLabels();
        if (labels == null || !context.operationId().toString().equals(labels.get(OPERATION_LABEL))) {
          return StepOutcome.fail("instance " + name + " exists already and was not made by this operation: give "
              + "another targetInstance (or delete " + name + " if it is a leftover)");
        }
        if (!"RUNNABLE".equals(existing.get().getState())) {
          // a crash after the insert lost its operation's name: poll that operation, so that its error is seen
          Optional<Operation> creating = cloudSql.latestOperation(name, "CREATE", startedAt(context));
          creating.ifPresent(operation -> context.remember(OPERATION, operation.getName()));
          context.remember(NEW_INSTANCE, name);
          return StepOutcome.waitFor(properties.pollInterval(), name + " (made by an earlier run) is "
              + existing.get().getState() + creating.map(operation -> ": operation " + operation.getName()).orElse(""));
        }
        return created(context, existing.get(), "adopted (made by an earlier run of this operation) ");
      }
      Operation operation = cloudSql.insert(new DatabaseInstance().setName(name)
          .setDatabaseVersion(context.fact("sourceDatabaseVersion").orElseThrow())
          .setRegion(context.fact("sourceRegion").orElseThrow())
          .setSettings(new Settings().setTier(context.fact("sourceTier").orElseThrow())
              .setUserLabels(Map.of(OPERATION_LABEL, context.operationId().toString()))));
      context.remember(NEW_INSTANCE, name);
      context.remember(OPERATION, operation.getName());
      return StepOutcome.waitFor(properties.pollInterval(), "creating " + name + ": operation " + operation.getName());
    }

    private StepOutcome created(StepContext context, DatabaseInstance instance, String how) {
      context.remember(NEW_INSTANCE, instance.getName());
      context.remember(NEW_CONNECTION, instance.getConnectionName());
      context.result("newInstance", instance.getName());
      context.result("newInstanceConnectionName", instance.getConnectionName());
      return StepOutcome.done(how + instance.getName() + " (" + instance.getDatabaseVersion() + ", "
          + instance.getSettings().getTier() + ", " + instance.getRegion() + ")");
    }

    @Override
    public Duration timeout() {
      return Duration.ofMinutes(30);
    }
  }

  /**
   * In place only: Cloud SQL restores over an instance only without read replicas. They are deleted when the command
   * accepts losing them, else the step refuses (they may have appeared since the plan).
   */
  record Replicas(CloudSql cloudSql, RestoreProperties properties, BackupRestoreRequested command) implements Step {

    private static final String OPERATION_PREFIX = "deleteReplicaOperation.";

    @Override
    public String name() {
      return command.acceptReplicaLoss() ? "delete-replicas" : "check-replicas";
    }

    @Override
    public String resource() {
      return "read replicas of cloudsql instance " + command.instance()
          + (command.acceptReplicaLoss() ? " (deleted: the runbook's rollback to a replica is lost)" : " (none allowed)");
    }

    @Override
    public boolean destructive() {
      return command.acceptReplicaLoss();
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      List<String> deleting = new ArrayList<>();
      for (String replica : String.valueOf(context.fact("replicas").orElse("")).split(",")) {
        if (!replica.isEmpty()) {
          CloudSql.Polled polled = cloudSql.poll(context.fact(OPERATION_PREFIX + replica).orElseThrow());
          if (!polled.done()) {
            deleting.add(replica);
          } else if (polled.failed()) {
            return StepOutcome.fail("deleting read replica " + replica + " failed (" + polled.error() + "); "
                + command.instance() + " is not restored: delete it by hand, then send the command again");
          }
        }
      }
      if (!deleting.isEmpty()) {
        return StepOutcome.waitFor(properties.pollInterval(), "deleting read replicas " + deleting);
      }
      if (context.fact("replicas").isPresent()) {
        return StepOutcome.done("deleted read replicas " + context.fact("replicas").get());
      }
      List<String> replicas = cloudSql.replicasOf(command.instance());
      if (replicas.isEmpty()) {
        return StepOutcome.done(command.instance() + " has no read replicas");
      }
      if (!command.acceptReplicaLoss()) {
        return StepOutcome.fail(replicaRefusal(command.instance(), replicas));
      }
      for (String replica : replicas) {
        // a crash after an earlier run's delete lost its name: that delete is still running (a second one: 409)
        Optional<Operation> earlier = cloudSql.latestOperation(replica, "DELETE", startedAt(context));
        context.remember(OPERATION_PREFIX + replica, earlier.isPresent() ? earlier.get().getName()
            : cloudSql.delete(replica).getName());
      }
      context.remember("replicas", String.join(",", replicas));
      context.result("deletedReplicas", String.join(",", replicas));
      return StepOutcome.waitFor(properties.pollInterval(), "deleting read replicas " + replicas);
    }
  }

  static String replicaRefusal(String instance, List<String> replicas) {
    return instance + " has read replicas " + replicas + ": Cloud SQL restores in place only after they are deleted, "
        + "and deleting them removes the runbook's own rollback (switch to a read replica). Restore into a new "
        + "instance instead (mode new_instance, the default), or send acceptReplicaLoss: true with confirm: true";
  }

  /** restoreBackup of the chosen run into the target; the operation's name is stored before it is awaited. */
  record RestoreBackup(CloudSql cloudSql, RestoreProperties properties, BackupRestoreRequested command,
      boolean inPlace) implements Step {

    static final String OPERATION = "restoreOperation";

    @Override
    public String name() {
      return "restore-backup";
    }

    @Override
    public String resource() {
      return inPlace ? "cloudsql instance " + command.instance() + " (overwritten with the backup)"
          : "cloudsql instance " + plannedNewInstance(command) + " (from the backup of " + command.instance() + ")";
    }

    @Override
    public boolean destructive() {
      return inPlace;
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      String target = inPlace ? command.instance() : context.fact(NEW_INSTANCE).orElseThrow();
      String backupRunId = context.fact(BACKUP_RUN_ID).orElseThrow();
      Optional<String> started = context.fact(OPERATION);
      if (started.isEmpty()) {
        // restoreBackup takes no request id: a crash after the call lost its name, so find it before calling again
        Optional<Operation> earlier = cloudSql.latestOperation(target, "RESTORE_VOLUME", startedAt(context));
        Operation operation = earlier.isPresent() ? earlier.get()
            : cloudSql.restoreBackup(target, command.instance(), Long.parseLong(backupRunId));
        context.remember(OPERATION, operation.getName());
        return StepOutcome.waitFor(properties.pollInterval(), "restoring backup run " + backupRunId + " into "
            + target + ": operation " + operation.getName());
      }
      CloudSql.Polled polled = cloudSql.poll(started.get());
      if (!polled.done()) {
        return StepOutcome.waitFor(properties.pollInterval(), "restoring backup run " + backupRunId + " into " + target);
      }
      if (polled.failed()) {
        return StepOutcome.fail("restoring backup run " + backupRunId + " into " + target + " failed ("
            + polled.error() + ")" + (inPlace ? "" : "; the new instance " + target + " is kept for inspection "
            + "(gcloud sql instances delete " + target + " when done); the API still uses " + command.instance()));
      }
      return StepOutcome.done("backup run " + backupRunId + " of " + command.instance() + " restored into " + target);
    }

    @Override
    public Duration timeout() {
      return Duration.ofHours(2);
    }
  }

  /** The configured checks on the restored database; a failure names each failed check. */
  record Validate(CloudSql cloudSql, Validation validation, RestoreProperties properties,
      BackupRestoreRequested command, boolean inPlace) implements Step {

    @Override
    public String name() {
      return "validate";
    }

    @Override
    public String resource() {
      return "SQL checks on " + (inPlace ? command.instance() : plannedNewInstance(command)) + ": schema version, "
          + "row counts of " + properties.rowCounts().keySet() + ", newest upload";
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      String target = inPlace ? command.instance() : context.fact(NEW_INSTANCE).orElseThrow();
      Optional<String> expected = context.fact(SOURCE_SCHEMA);
      if (expected.isEmpty()) {
        return StepOutcome.fail(invalid(target, "check schema-version: the schema version of " + command.instance()
            + " could not be read when the backup was chosen (" + context.fact(SOURCE_SCHEMA_UNREADABLE).orElse("")
            + "): set photobomb.platform.restore.expected-schema-version and send the command again"));
      }
      Validation.Report report;
      try {
        report = validation.check(cloudSql.instance(target), expected.get(),
            Instant.parse(context.fact(BACKUP_START).orElseThrow()));
      } catch (SQLException e) {
        if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
          // a freshly restored instance takes a moment to accept connections
          return StepOutcome.waitFor(properties.pollInterval(), target + " not reachable yet: " + e.getMessage());
        }
        return StepOutcome.fail(invalid(target, "the checks could not run: " + e.getMessage()));
      }
      if (!report.valid()) {
        List<String> failed = new ArrayList<>();
        report.failures().forEach((check, why) -> failed.add("check " + check + ": " + why));
        return StepOutcome.fail(invalid(target, String.join("; ", failed)));
      }
      context.result("validation", report.measured());
      return StepOutcome.done(target + " valid: " + report.measured());
    }

    private String invalid(String target, String why) {
      return "validation of " + target + " failed: " + why + (inPlace ? ""
          : "; the new instance " + target + " is kept for inspection and the API still uses " + command.instance());
    }

    @Override
    public Duration timeout() {
      return Duration.ofMinutes(10);
    }
  }
}
