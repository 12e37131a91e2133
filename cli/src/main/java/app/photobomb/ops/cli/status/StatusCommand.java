package app.photobomb.ops.cli.status;

import app.photobomb.ops.cli.Connection;
import app.photobomb.ops.cli.ExitCode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code status}: what the on-call engineer looks at first, as one table: the services' health and storage
 * breakers, consumer lag, dead letters, job queues and replicas, and the work in progress with its age.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Shows, as one table: each service's health (GET <url>/healthz) and its storage circuit "
        + "breakers (its /prometheus), consumer lag per group, dead letters per <topic>.dlq, the job queues' depths "
        + "(Redis) and the workers' replicas (Kubernetes), and the exports, deletions and reprocess batches in "
        + "progress with their age (the ops tables).",
        "A part that cannot be reached shows as UNREACHABLE in its row; the rest is still shown.",
        "Replaces the runbook's first look: kubectl get pods, redis-cli LLEN, kafka-consumer-groups --describe, "
            + "psql on the ops tables."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:everything healthy", "1:something is unhealthy or unreachable (its row says what)",
        "2:bad input (no Kafka to ask)"})
public final class StatusCommand implements Callable<Integer> {

  /** The services whose health is asked for, each at {@code <service>.url} / {@code <SERVICE>_URL}. */
  static final List<String> SERVICES = List.of("export-service", "deletion-service", "reprocess-service",
      "scaling-service", "cdn-service", "platform-service", "thumbnail-worker");

  @Mixin
  Connection connection;

  @Option(names = "--service-url", paramLabel = "SERVICE=URL",
      description = "a service's base URL (env <SERVICE>_URL, e.g. EXPORT_SERVICE_URL; default: the local stack's); "
          + "a name not among the services adds a row")
  Map<String, String> serviceUrls = new LinkedHashMap<>();

  @Option(names = "--redis-url", paramLabel = "URL", description = "the job queues' Redis (env PHOTOBOMB_REDIS_URL)")
  String redisUrl;

  @Option(names = "--queue", paramLabel = "NAME", split = ",",
      description = "job queues to measure (default: ${DEFAULT-VALUE})",
      defaultValue = "high_priority_queue,batch_processing_queue")
  List<String> queues;

  @Option(names = "--kubernetes-url", paramLabel = "URL",
      description = "the Kubernetes API the scaling-service scales (env PHOTOBOMB_KUBERNETES_URL); none: not shown")
  String kubernetesUrl;

  @Option(names = "--namespace", description = "the workers' namespace (default: ${DEFAULT-VALUE})",
      defaultValue = "photobomb")
  String namespace;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
      description = "how long each part may take to answer (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Option(names = "--json", description = "one JSON document: {healthy, rows: [{kind, name, state, detail, healthy}]}")
  boolean json;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    // logging set up before the parts' threads, which would otherwise race to initialise it
    LoggerFactory.getILoggerFactory();
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    Properties kafka = connection.kafka();
    String redis = setting(redisUrl, "PHOTOBOMB_REDIS_URL", "redis.url");
    String kubernetes = setting(kubernetesUrl, "PHOTOBOMB_KUBERNETES_URL", "kubernetes.url");
    Map<String, String> services = serviceUrls();
    WorkStatus work = new WorkStatus(optional(connection::jdbcUrl), optional(connection::jdbcUser),
        optional(connection::jdbcPassword), timeout);
    // the parts are asked at once, so that the slowest (an unreachable one: its timeout) sets the time taken
    List<Supplier<List<StatusRow>>> parts = List.of(
        () -> new ServiceHealth(timeout).rows(services),
        () -> new KafkaStatus(kafka, connection.topicPrefix(), timeoutSeconds).rows(),
        () -> new QueueStatus(redis, queues, timeout).rows(),
        () -> new ReplicaStatus(kubernetes, namespace, timeout).rows(),
        work::rows);
    ExecutorService pool = Executors.newFixedThreadPool(parts.size());
    List<StatusRow> rows = new ArrayList<>();
    try {
      parts.stream().map(part -> CompletableFuture.supplyAsync(part, pool)).toList()
          .forEach(answer -> rows.addAll(answer.join()));
    } finally {
      pool.shutdownNow();
    }
    boolean healthy = rows.stream().allMatch(StatusRow::healthy);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(JsonMapper.builder().build().writeValueAsString(Map.of("healthy", healthy, "rows", rows)));
    } else {
      StatusTable.print(rows, out);
      long problems = rows.stream().filter(row -> !row.healthy()).count();
      out.println(healthy ? "healthy" : problems + " unhealthy or unreachable");
    }
    out.flush();
    return healthy ? ExitCode.COMPLETED : ExitCode.FAILED;
  }

  private Map<String, String> serviceUrls() {
    Map<String, String> urls = new LinkedHashMap<>();
    SERVICES.forEach(service -> urls.put(service, connection.serviceUrl(service)));
    urls.putAll(serviceUrls);
    return urls;
  }

  private String setting(String option, String env, String endpointKey) {
    if (option != null) {
      return option.isBlank() ? null : option;
    }
    String fromEnv = System.getenv(env);
    return fromEnv != null && !fromEnv.isBlank() ? fromEnv : connection.localEndpoints().getProperty(endpointKey);
  }

  /** A connection setting that status may do without: its part then says NOT CHECKED. */
  private static String optional(Supplier<String> setting) {
    try {
      return setting.get();
    } catch (ExitCode.BadInputException e) {
      return null;
    }
  }
}
