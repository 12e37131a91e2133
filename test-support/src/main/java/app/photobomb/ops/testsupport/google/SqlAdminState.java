package app.photobomb.ops.testsupport.google;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * The Cloud SQL Admin v1 rules the fake plays, over one project: instances with their settings, replicas, backup
 * runs and users, and the long-running operations every mutating call starts. A call's effect lands when its
 * operation is polled to DONE (as Cloud SQL applies it when the operation ends), and not at all when the operation
 * was set to fail. Thread-safe: every entry point holds the monitor.
 */
final class SqlAdminState {

  /** What to answer: an HTTP status and a JSON body (maps and lists). */
  record Reply(int status, Object body) {
  }

  /** A Google API error, rendered as {@code {"error": {"code", "message", "errors": [{message, domain, reason}]}}}. */
  static final class ApiError extends RuntimeException {

    final int status;
    final String reason;

    ApiError(int status, String reason, String message) {
      super(message);
      this.status = status;
      this.reason = reason;
    }

    Reply reply() {
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("message", getMessage());
      detail.put("domain", "global");
      detail.put("reason", reason);
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("code", status);
      error.put("message", getMessage());
      error.put("errors", List.of(detail));
      return new Reply(status, Map.of("error", error));
    }
  }

  static final class InstanceState {
    final String name;
    final String databaseVersion;
    final String region;
    String state = "RUNNABLE";
    String tier;
    long settingsVersion = 1;
    final Map<String, String> flags = new LinkedHashMap<>();
    final Map<String, String> userLabels = new LinkedHashMap<>();
    int maintenanceDay = 7;
    int maintenanceHour = 10;
    final List<String> replicaNames = new ArrayList<>();
    final String masterInstanceName;
    final String ipAddress;
    final List<BackupRunState> backups = new ArrayList<>();
    final Map<String, UserState> users = new LinkedHashMap<>();
    final List<FakeSqlAdmin.Restore> restores = new ArrayList<>();
    int restarts;
    String runningOperation;

    InstanceState(String name, String databaseVersion, String region, String tier, String masterInstanceName,
        String ipAddress) {
      this.name = name;
      this.databaseVersion = databaseVersion;
      this.region = region;
      this.tier = tier;
      this.masterInstanceName = masterInstanceName;
      this.ipAddress = ipAddress;
    }
  }

  record BackupRunState(long id, String status, String type, Instant windowStartTime, Instant startTime,
      Instant endTime) {
  }

  static final class UserState {
    final String name;
    final String host;
    int passwordChanges;

    UserState(String name, String host) {
      this.name = name;
      this.host = host;
    }
  }

  /** A planned failure of the next operation of one type. */
  private record OperationFault(String operationType, String code, String message) {
  }

  private static final class OperationState {
    final String name = UUID.randomUUID().toString();
    final String type;
    final String target;
    final int steps;
    final Instant insertTime = now();
    final Runnable effect;
    final Runnable undo;
    OperationFault fault;
    String status = "PENDING";
    int polls;
    Instant startTime;
    Instant endTime;

    OperationState(String type, String target, int steps, Runnable effect, Runnable undo) {
      this.type = type;
      this.target = target;
      this.steps = steps;
      this.effect = effect;
      this.undo = undo;
    }
  }

  private final String project;
  private final String selfLinkBase;
  private final Map<String, InstanceState> instances = new LinkedHashMap<>();
  private final Map<String, OperationState> operations = new LinkedHashMap<>();
  private final Deque<OperationFault> operationFaults = new ArrayDeque<>();
  private final AtomicInteger addresses = new AtomicInteger(2);
  private int operationSteps = 2;

  SqlAdminState(String project, String rootUrl) {
    this.project = project;
    this.selfLinkBase = rootUrl + "v1/projects/" + project;
  }

  String project() {
    return project;
  }

  synchronized void operationSteps(int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be 0 or more: " + steps);
    }
    this.operationSteps = steps;
  }

  synchronized void failNextOperation(String operationType, String code, String message) {
    operationFaults.add(new OperationFault(operationType, code, message));
  }

  synchronized InstanceState seedInstance(String name, String databaseVersion, String region, String tier,
      String masterInstanceName) {
    if (instances.containsKey(name)) {
      throw new IllegalArgumentException("instance exists: " + name);
    }
    InstanceState instance = new InstanceState(name, databaseVersion, region, tier, masterInstanceName,
        "10.0.0." + addresses.getAndIncrement());
    if (masterInstanceName != null) {
      existing(masterInstanceName).replicaNames.add(name);
    }
    instances.put(name, instance);
    return instance;
  }

  synchronized void seedFlag(String instance, String name, String value) {
    existing(instance).flags.put(name, value);
  }

  synchronized void seedBackup(String instance, long id, String status, Instant windowStartTime) {
    existing(instance).backups.add(new BackupRunState(id, status, "AUTOMATED", windowStartTime,
        windowStartTime.plusSeconds(60), windowStartTime.plusSeconds(600)));
  }

  synchronized void seedUser(String instance, String name) {
    existing(instance).users.put(name, new UserState(name, null));
  }

  /** A copy of one instance's state, for assertions. */
  synchronized FakeSqlAdmin.Instance snapshot(String name) {
    InstanceState instance = instances.get(name);
    if (instance == null) {
      return null;
    }
    Map<String, Integer> passwordChanges = new LinkedHashMap<>();
    instance.users.values().forEach(user -> passwordChanges.put(user.name, user.passwordChanges));
    return new FakeSqlAdmin.Instance(instance.name, instance.databaseVersion, instance.region, instance.state,
        instance.tier, instance.settingsVersion, Map.copyOf(instance.flags),
        instance.maintenanceDay, instance.maintenanceHour, List.copyOf(instance.replicaNames),
        instance.masterInstanceName, instance.restarts, List.copyOf(instance.restores),
        Map.copyOf(passwordChanges));
  }

  // ---- the API ----

  synchronized Reply getInstance(String name) {
    return ok(instanceJson(existing(name)));
  }

  synchronized Reply listInstances() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("kind", "sql#instancesList");
    body.put("items", instances.values().stream().map(this::instanceJson).toList());
    return ok(body);
  }

  /** instances.insert: a new instance (or a replica of {@code masterInstanceName}), PENDING_CREATE until DONE. */
  synchronized Reply insertInstance(JsonNode body) {
    String name = text(body, "name");
    if (name == null || !name.matches("[a-z][a-z0-9-]{0,97}")) {
      throw new ApiError(400, "invalid", "Invalid request: instance name (" + name + ") is invalid.");
    }
    if (instances.containsKey(name)) {
      throw new ApiError(409, "instanceAlreadyExists", "The Cloud SQL instance already exists.");
    }
    String databaseVersion = text(body, "databaseVersion");
    String tier = text(body.path("settings"), "tier");
    if (databaseVersion == null || tier == null) {
      throw new ApiError(400, "invalid", "Invalid request: databaseVersion and settings.tier are required.");
    }
    String master = text(body, "masterInstanceName");
    if (master != null) {
      existing(master);
    }
    String region = text(body, "region") == null ? "us-central1" : text(body, "region");
    InstanceState instance = seedInstance(name, databaseVersion, region, tier, master);
    instance.state = "PENDING_CREATE";
    mergeSettings(instance, body.path("settings"));
    instance.settingsVersion = 1;
    return start("CREATE", instance, () -> instance.state = "RUNNABLE", () -> remove(instance));
  }

  /**
   * instances.patch: merges the settings it is given ({@code databaseFlags} replaces the whole list, as the API
   * does). A {@code settingsVersion} other than the current one is refused as Cloud SQL refuses it: 412 "Condition
   * does not match." with reason {@code staleData} (what the API answers Terraform and Pulumi, seen in their
   * issues), so a concurrent edit is never overwritten.
   */
  synchronized Reply patchInstance(String name, JsonNode body) {
    InstanceState instance = existing(name);
    JsonNode settings = body.path("settings");
    JsonNode version = settings.get("settingsVersion");
    if (version != null && !version.isNull() && Long.parseLong(version.asString()) != instance.settingsVersion) {
      throw new ApiError(412, "staleData", "Condition does not match.");
    }
    idle(instance);
    return start("UPDATE", instance, () -> {
      String tierBefore = instance.tier;
      Map<String, String> flagsBefore = new LinkedHashMap<>(instance.flags);
      mergeSettings(instance, settings);
      instance.settingsVersion++;
      // a new machine type or new flags restart the instance: the downtime the capacity saga schedules
      if (!instance.tier.equals(tierBefore) || !instance.flags.equals(flagsBefore)) {
        instance.restarts++;
      }
    }, () -> { });
  }

  /** instances.delete: a primary with replicas is refused (replicas go first); a replica leaves its primary. */
  synchronized Reply deleteInstance(String name) {
    InstanceState instance = existing(name);
    if (!instance.replicaNames.isEmpty()) {
      throw invalidForInstance();
    }
    idle(instance);
    return start("DELETE", instance, () -> remove(instance), () -> { });
  }

  /**
   * instances.restoreBackup: restores a backup run of {@code restoreBackupContext.instanceId} into the instance in
   * the path, which must run the same database version and, restored in place, have no read replicas (Cloud SQL
   * will not restore over an instance that has them: the trap the restore saga works around).
   */
  synchronized Reply restoreBackup(String target, JsonNode body) {
    InstanceState instance = existing(target);
    JsonNode context = body.path("restoreBackupContext");
    String sourceName = text(context, "instanceId");
    JsonNode runId = context.get("backupRunId");
    String sourceProject = text(context, "project") == null ? project : text(context, "project");
    if (sourceName == null || runId == null || runId.isNull()) {
      throw new ApiError(400, "invalid", "Invalid request: restoreBackupContext.backupRunId and instanceId are "
          + "required.");
    }
    if (!project.equals(sourceProject)) {
      throw new ApiError(403, "notAuthorized", "The client is not authorized to make this request.");
    }
    InstanceState source = existing(sourceName);
    long id = Long.parseLong(runId.asString());
    BackupRunState run = source.backups.stream().filter(backup -> backup.id() == id).findFirst()
        .orElseThrow(() -> new ApiError(404, "backupRunDoesNotExist", "The backup run does not exist."));
    if (!"SUCCESSFUL".equals(run.status())) {
      throw new ApiError(400, "invalid", "Invalid request: backup run " + id + " is " + run.status() + ".");
    }
    if (!instance.databaseVersion.equals(source.databaseVersion)) {
      // the wording Cloud SQL answers, as Terraform's tests show it
      throw new ApiError(400, "invalid", "Invalid request: Database type of target instance and backup differ. "
          + "Instance database type: " + instance.databaseVersion + ", Backup database type: "
          + source.databaseVersion + ".");
    }
    if (!instance.replicaNames.isEmpty()) {
      throw invalidForInstance();
    }
    idle(instance);
    String stateBefore = instance.state;
    instance.state = "MAINTENANCE";
    return start("RESTORE_VOLUME", instance, () -> {
      instance.state = "RUNNABLE";
      instance.restores.add(new FakeSqlAdmin.Restore(source.name, id, run.windowStartTime()));
    }, () -> instance.state = stateBefore);
  }

  /** backupRuns.list: newest first, as the API lists them. */
  synchronized Reply listBackupRuns(String name) {
    InstanceState instance = existing(name);
    List<Map<String, Object>> items = instance.backups.stream()
        .sorted(Comparator.comparing(BackupRunState::windowStartTime).reversed())
        .map(run -> backupRunJson(instance, run))
        .toList();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("kind", "sql#backupRunsList");
    body.put("items", items);
    return ok(body);
  }

  /** operations.get: each poll moves an unfinished operation one step, PENDING to RUNNING to DONE. */
  synchronized Reply getOperation(String name) {
    OperationState operation = operations.get(name);
    if (operation == null) {
      throw new ApiError(404, "operationDoesNotExist", "The Cloud SQL operation does not exist.");
    }
    if (!"DONE".equals(operation.status)) {
      operation.polls++;
      step(operation);
    }
    return ok(operationJson(operation));
  }

  /**
   * operations.list ({@code ?instance=}, required here): the instance's operations newest first, as the API lists them
   * (by start time; one not started yet by its insert time); a poll-free read, so nothing steps.
   */
  synchronized Reply listOperations(String instanceName, String maxResults) {
    if (instanceName == null || instanceName.isBlank()) {
      throw new ApiError(400, "invalid", "Invalid request: instance is required.");
    }
    List<Map<String, Object>> items = operations.values().stream()
        .filter(operation -> operation.target.equals(instanceName))
        .sorted(Comparator.comparing((OperationState operation) -> operation.startTime == null ? operation.insertTime
            : operation.startTime).reversed())
        .limit(maxResults == null ? Long.MAX_VALUE : Long.parseLong(maxResults))
        .map(this::operationJson)
        .toList();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("kind", "sql#operationsList");
    body.put("items", items);
    return ok(body);
  }

  synchronized Reply listUsers(String instanceName) {
    InstanceState instance = existing(instanceName);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("kind", "sql#usersList");
    body.put("items", instance.users.values().stream().map(user -> userJson(instance, user)).toList());
    return ok(body);
  }

  /** users.insert: the user exists once DONE; its password is neither kept nor logged. */
  synchronized Reply insertUser(String instanceName, JsonNode body) {
    InstanceState instance = existing(instanceName);
    String name = text(body, "name");
    if (name == null || name.isBlank()) {
      throw new ApiError(400, "invalid", "Invalid request: user name is required.");
    }
    if (instance.users.containsKey(name)) {
      throw new ApiError(409, "userAlreadyExists", "The user already exists.");
    }
    idle(instance);
    String host = text(body, "host");
    return start("CREATE_USER", instance, () -> instance.users.put(name, new UserState(name, host)), () -> { });
  }

  /** users.update ({@code ?name=}): counts the password change once DONE; the new value is never kept. */
  synchronized Reply updateUser(String instanceName, String name, JsonNode body) {
    InstanceState instance = existing(instanceName);
    UserState user = name == null ? null : instance.users.get(name);
    if (user == null) {
      throw new ApiError(404, "userDoesNotExist", "The user does not exist.");
    }
    boolean setsPassword = text(body, "password") != null;
    idle(instance);
    return start("UPDATE_USER", instance, () -> {
      if (setsPassword) {
        user.passwordChanges++;
      }
    }, () -> { });
  }

  // ---- operations ----

  private Reply start(String type, InstanceState instance, Runnable effect, Runnable undo) {
    OperationState operation = new OperationState(type, instance.name, operationSteps, effect, undo);
    OperationFault fault = operationFaults.stream().filter(f -> f.operationType().equals(type)).findFirst()
        .orElse(null);
    if (fault != null) {
      operationFaults.remove(fault);
      operation.fault = fault;
    }
    operations.put(operation.name, operation);
    instance.runningOperation = operation.name;
    step(operation);
    return ok(operationJson(operation));
  }

  private void step(OperationState operation) {
    if (operation.polls >= operation.steps) {
      operation.status = "DONE";
      operation.startTime = operation.startTime == null ? now() : operation.startTime;
      operation.endTime = now();
      if (operation.fault == null) {
        operation.effect.run();
      } else {
        operation.undo.run();
      }
      InstanceState target = instances.get(operation.target);
      if (target != null && operation.name.equals(target.runningOperation)) {
        target.runningOperation = null;
      }
    } else if (operation.polls > 0) {
      operation.status = "RUNNING";
      operation.startTime = operation.startTime == null ? now() : operation.startTime;
    }
  }

  /** Cloud SQL runs one operation at a time on an instance and answers another with 409 operationInProgress. */
  private void idle(InstanceState instance) {
    if (instance.runningOperation != null) {
      throw new ApiError(409, "operationInProgress",
          "Operation failed because another operation was already in progress.");
    }
  }

  private static ApiError invalidForInstance() {
    // Cloud SQL's generic refusal of an operation the instance's shape forbids (as gcloud reports it)
    return new ApiError(400, "invalidOperation", "This operation isn't valid for this instance.");
  }

  private void remove(InstanceState instance) {
    instances.remove(instance.name);
    if (instance.masterInstanceName != null && instances.containsKey(instance.masterInstanceName)) {
      instances.get(instance.masterInstanceName).replicaNames.remove(instance.name);
    }
  }

  private InstanceState existing(String name) {
    InstanceState instance = name == null ? null : instances.get(name);
    if (instance == null) {
      throw new ApiError(404, "instanceDoesNotExist", "The Cloud SQL instance does not exist.");
    }
    return instance;
  }

  private static void mergeSettings(InstanceState instance, JsonNode settings) {
    if (settings.hasNonNull("tier")) {
      instance.tier = settings.get("tier").asString();
    }
    if (settings.has("databaseFlags")) {
      instance.flags.clear();
      for (JsonNode flag : settings.path("databaseFlags")) {
        instance.flags.put(flag.path("name").asString(), flag.path("value").asString());
      }
    }
    if (settings.has("userLabels")) {
      instance.userLabels.clear();
      settings.path("userLabels").properties().forEach(label -> instance.userLabels.put(label.getKey(),
          label.getValue().asString()));
    }
    JsonNode window = settings.path("maintenanceWindow");
    if (window.hasNonNull("day")) {
      instance.maintenanceDay = window.get("day").asInt();
    }
    if (window.hasNonNull("hour")) {
      instance.maintenanceHour = window.get("hour").asInt();
    }
  }

  // ---- JSON, in the API's field names; int64 fields are strings, as Google's JSON encodes them ----

  private Map<String, Object> instanceJson(InstanceState instance) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("kind", "sql#settings");
    settings.put("tier", instance.tier);
    settings.put("settingsVersion", Long.toString(instance.settingsVersion));
    settings.put("activationPolicy", "ALWAYS");
    List<Map<String, Object>> flags = new ArrayList<>();
    instance.flags.forEach((name, value) -> flags.add(Map.of("name", name, "value", value)));
    settings.put("databaseFlags", flags);
    if (!instance.userLabels.isEmpty()) {
      settings.put("userLabels", Map.copyOf(instance.userLabels));
    }
    settings.put("maintenanceWindow", Map.of("kind", "sql#maintenanceWindow", "day", instance.maintenanceDay,
        "hour", instance.maintenanceHour));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kind", "sql#instance");
    out.put("name", instance.name);
    out.put("project", project);
    out.put("databaseVersion", instance.databaseVersion);
    out.put("region", instance.region);
    out.put("gceZone", instance.region + "-a");
    out.put("state", instance.state);
    out.put("backendType", "SECOND_GEN");
    out.put("instanceType", instance.masterInstanceName == null ? "CLOUD_SQL_INSTANCE" : "READ_REPLICA_INSTANCE");
    out.put("connectionName", project + ":" + instance.region + ":" + instance.name);
    out.put("settings", settings);
    if (!instance.replicaNames.isEmpty()) {
      out.put("replicaNames", List.copyOf(instance.replicaNames));
    }
    if (instance.masterInstanceName != null) {
      out.put("masterInstanceName", instance.masterInstanceName);
    }
    out.put("ipAddresses", List.of(Map.of("type", "PRIVATE", "ipAddress", instance.ipAddress)));
    out.put("selfLink", selfLinkBase + "/instances/" + instance.name);
    return out;
  }

  private Map<String, Object> backupRunJson(InstanceState instance, BackupRunState run) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kind", "sql#backupRun");
    out.put("id", Long.toString(run.id()));
    out.put("instance", instance.name);
    out.put("status", run.status());
    out.put("type", run.type());
    out.put("backupKind", "SNAPSHOT");
    out.put("windowStartTime", run.windowStartTime().toString());
    out.put("enqueuedTime", run.windowStartTime().toString());
    out.put("startTime", run.startTime().toString());
    out.put("endTime", run.endTime().toString());
    out.put("location", instance.region);
    out.put("selfLink", selfLinkBase + "/instances/" + instance.name + "/backupRuns/" + run.id());
    return out;
  }

  private Map<String, Object> userJson(InstanceState instance, UserState user) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kind", "sql#user");
    out.put("name", user.name);
    if (user.host != null) {
      out.put("host", user.host);
    }
    out.put("instance", instance.name);
    out.put("project", project);
    out.put("type", "BUILT_IN");
    return out;
  }

  private Map<String, Object> operationJson(OperationState operation) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kind", "sql#operation");
    out.put("name", operation.name);
    out.put("operationType", operation.type);
    out.put("status", operation.status);
    out.put("targetId", operation.target);
    out.put("targetProject", project);
    out.put("targetLink", selfLinkBase + "/instances/" + operation.target);
    out.put("selfLink", selfLinkBase + "/operations/" + operation.name);
    out.put("insertTime", operation.insertTime.toString());
    if (operation.startTime != null) {
      out.put("startTime", operation.startTime.toString());
    }
    if (operation.endTime != null) {
      out.put("endTime", operation.endTime.toString());
    }
    if ("DONE".equals(operation.status) && operation.fault != null) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("kind", "sql#operationError");
      error.put("code", operation.fault.code());
      error.put("message", operation.fault.message());
      out.put("error", Map.of("kind", "sql#operationErrors", "errors", List.of(error)));
    }
    return out;
  }

  private static Reply ok(Object body) {
    return new Reply(200, body);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() ? null : value.asString();
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
