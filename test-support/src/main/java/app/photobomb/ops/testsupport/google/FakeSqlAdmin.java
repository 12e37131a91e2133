package app.photobomb.ops.testsupport.google;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.Slf4jNotifier;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cloud SQL Admin API v1 on loopback, for the platform-service's tests and the local stack: the REST paths the
 * {@code com.google.api.services.sqladmin.SQLAdmin} client calls when built with {@link #rootUrl()} (instances
 * get/list/insert/patch/delete/restoreBackup, backupRuns.list, operations get/list, users list/insert/update), with the
 * API's JSON and error shapes. WireMock serves HTTP; one transformer holds the state in Java, since every answer
 * depends on what came before (settingsVersion, operations stepping PENDING, RUNNING, DONE on successive polls).
 */
public final class FakeSqlAdmin implements AutoCloseable {

  /** One instance as the fake holds it; passwords are never kept, only how often each user's changed. */
  public record Instance(String name, String databaseVersion, String region, String state, String tier,
      long settingsVersion, Map<String, String> databaseFlags, int maintenanceDay, int maintenanceHour,
      List<String> replicaNames, String masterInstanceName, int restarts, List<Restore> restores,
      Map<String, Integer> passwordChanges) {
  }

  /** A backup restored into an instance: which instance's backup run, and when that backup's window began. */
  public record Restore(String sourceInstance, long backupRunId, Instant backupWindowStartTime) {
  }

  /** One call received: method and path with its query, never its body (user calls carry passwords). */
  public record Call(String method, String path) {
  }

  private static final Logger log = LoggerFactory.getLogger(FakeSqlAdmin.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PREFIX = "/v1/projects/";

  private final WireMockServer server;
  private final SqlAdminState state;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();

  private FakeSqlAdmin(int port, String project) {
    server = new WireMockServer(options()
        .bindAddress("127.0.0.1")
        .port(port)
        // the journal would keep every request body, users' passwords among them
        .disableRequestJournal()
        .notifier(new Slf4jNotifier(false))
        .extensions(new Responder()));
    server.start();
    server.stubFor(any(anyUrl()).willReturn(ok()));
    state = new SqlAdminState(project, rootUrl());
  }

  /** Starts one on a free loopback port for this project. */
  public static FakeSqlAdmin start(String project) {
    return start(0, project);
  }

  /** Starts one on this loopback port (0: any free one). */
  public static FakeSqlAdmin start(int port, String project) {
    return new FakeSqlAdmin(port, project);
  }

  /** What {@code SQLAdmin.Builder.setRootUrl} takes (with {@code setServicePath("")}). */
  public String rootUrl() {
    return "http://127.0.0.1:" + server.port() + "/";
  }

  public String project() {
    return state.project();
  }

  /** A running primary; a maintenance window of Sunday 10:00 UTC (the runbook's 02:00 PST). */
  public FakeSqlAdmin seedInstance(String name, String databaseVersion, String tier, Map<String, String> flags) {
    state.seedInstance(name, databaseVersion, "us-central1", tier, null);
    flags.forEach((flag, value) -> state.seedFlag(name, flag, value));
    return this;
  }

  /** A running read replica of {@code master}, listed in its {@code replicaNames}. */
  public FakeSqlAdmin seedReplica(String master, String name) {
    Instance primary = instance(master).orElseThrow(() -> new IllegalArgumentException("no instance " + master));
    state.seedInstance(name, primary.databaseVersion(), primary.region(), primary.tier(), master);
    return this;
  }

  /** A backup run of the instance, {@code SUCCESSFUL} or {@code FAILED}, whose window began then. */
  public FakeSqlAdmin seedBackup(String instance, long id, String status, Instant windowStartTime) {
    state.seedBackup(instance, id, status, windowStartTime);
    return this;
  }

  public FakeSqlAdmin seedUser(String instance, String user) {
    state.seedUser(instance, user);
    return this;
  }

  /** The instance's state now; empty once deleted, or before it was made. */
  public Optional<Instance> instance(String name) {
    return Optional.ofNullable(state.snapshot(name));
  }

  /** Polls until an operation is DONE (0: done as it starts); takes effect for operations started after. */
  public FakeSqlAdmin operationSteps(int polls) {
    state.operationSteps(polls);
    return this;
  }

  /** Answers the next call of this path ({@code v1/projects/...}, no query) with this HTTP status and Google's error body. */
  public FakeSqlAdmin failNext(String path, int status) {
    failures.put(normalize(path), status);
    return this;
  }

  /**
   * Ends the next operation of this type ({@code UPDATE}, {@code RESTORE_VOLUME}, {@code CREATE}, {@code DELETE},
   * {@code CREATE_USER}, {@code UPDATE_USER}) DONE with {@code error.errors[{code, message}]} and no effect.
   */
  public FakeSqlAdmin failNextOperation(String operationType, String code, String message) {
    state.failNextOperation(operationType, code, message);
    return this;
  }

  /** Every call so far, in order. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  @Override
  public void close() {
    server.stop();
  }

  private SqlAdminState.Reply answer(Request request) {
    String method = request.getMethod().getName();
    // the client's NetHttpTransport cannot send PATCH, so it POSTs with this header, which Google's front end honours
    String override = request.getHeader("X-HTTP-Method-Override");
    if (override != null && "POST".equals(method)) {
      method = override;
    }
    String url = request.getUrl();
    calls.add(new Call(method, url));
    int queryAt = url.indexOf('?');
    String path = queryAt < 0 ? url : url.substring(0, queryAt);
    Integer failure = failures.remove(normalize(path));
    if (failure != null) {
      return new SqlAdminState.ApiError(failure, reasonOf(failure), "Injected failure of " + method + " " + path)
          .reply();
    }
    if (!path.startsWith(PREFIX + state.project() + "/")) {
      return new SqlAdminState.ApiError(404, "notFound", "Not Found: " + path).reply();
    }
    String[] parts = path.substring((PREFIX + state.project() + "/").length()).split("/");
    JsonNode body = body(request);
    return switch (parts.length + " " + parts[0] + " " + method) {
      case "1 instances GET" -> state.listInstances();
      case "1 instances POST" -> state.insertInstance(body);
      case "2 instances GET" -> state.getInstance(parts[1]);
      case "2 instances PATCH" -> state.patchInstance(parts[1], body);
      case "2 instances DELETE" -> state.deleteInstance(parts[1]);
      case "1 operations GET" -> state.listOperations(query(request, "instance"), query(request, "maxResults"));
      case "2 operations GET" -> state.getOperation(parts[1]);
      case "3 instances POST" -> switch (parts[2]) {
        case "restoreBackup" -> state.restoreBackup(parts[1], body);
        case "users" -> state.insertUser(parts[1], body);
        default -> none(path);
      };
      case "3 instances GET" -> switch (parts[2]) {
        case "backupRuns" -> state.listBackupRuns(parts[1]);
        case "users" -> state.listUsers(parts[1]);
        default -> none(path);
      };
      case "3 instances PUT" -> "users".equals(parts[2])
          ? state.updateUser(parts[1], query(request, "name"), body) : none(path);
      default -> none(path);
    };
  }

  private static SqlAdminState.Reply none(String path) {
    return new SqlAdminState.ApiError(404, "notFound", "Not Found: " + path).reply();
  }

  private static String reasonOf(int status) {
    return switch (status) {
      case 400 -> "invalid";
      case 403 -> "notAuthorized";
      case 404 -> "notFound";
      case 409 -> "operationInProgress";
      case 429 -> "rateLimitExceeded";
      case 503 -> "backendError";
      default -> "internalError";
    };
  }

  private static String normalize(String path) {
    return path.startsWith("/") ? path.substring(1) : path;
  }

  private static String query(Request request, String name) {
    String value = request.queryParameter(name).isPresent() ? request.queryParameter(name).firstValue() : null;
    return value == null ? null : URLDecoder.decode(value, StandardCharsets.UTF_8);
  }

  private static JsonNode body(Request request) {
    byte[] bytes = request.getBody();
    if (bytes == null || bytes.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(bytes);
    } catch (JacksonException e) {
      throw new SqlAdminState.ApiError(400, "parseError", "This API does not support parsing form-encoded input.");
    }
  }

  /** Answers every request from the state; WireMock's stub only routes the request here. */
  private final class Responder implements ResponseDefinitionTransformerV2 {

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
      SqlAdminState.Reply reply;
      try {
        reply = answer(serveEvent.getRequest());
      } catch (SqlAdminState.ApiError e) {
        reply = e.reply();
      } catch (RuntimeException e) {
        log.warn("fake Cloud SQL Admin failed on {} {}", serveEvent.getRequest().getMethod(),
            serveEvent.getRequest().getUrl(), e);
        reply = new SqlAdminState.ApiError(500, "internalError", e.toString()).reply();
      }
      return ResponseDefinitionBuilder.responseDefinition()
          .withStatus(reply.status())
          .withHeader("Content-Type", "application/json; charset=UTF-8")
          .withBody(JSON.writeValueAsBytes(reply.body()))
          .build();
    }

    @Override
    public String getName() {
      return "fake-sql-admin";
    }
  }
}
