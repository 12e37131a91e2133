package app.photobomb.ops.faults;

import app.photobomb.ops.testsupport.LeftoverProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault suite's command: starts the servers, the stand-ins and the services (each in its own JVM from its jar),
 * runs the rounds of each fault, checks the invariants from the outside, prints the table and writes it as
 * Markdown. Exits 1 when any invariant failed (each failure is printed with its command, events and state).
 */
public final class FaultSuite {

  private static final Logger log = LoggerFactory.getLogger(FaultSuite.class);

  private FaultSuite() {
  }

  public static void main(String[] args) {
    int status;
    try {
      status = run(FaultSettings.fromEnvironment(System.getenv()), System.out) ? 0 : 1;
    } catch (Exception e) {
      log.error("the fault suite could not run", e);
      status = 2;
    }
    // the servers' non-daemon threads (Kafka, the relay) would keep the JVM alive
    System.exit(status);
  }

  /** Runs every round; true when every invariant held. */
  static boolean run(FaultSettings settings, PrintStream out) throws Exception {
    prepare(settings.directory());
    log.info("fault suite: {}, {} round(s) each, seed {}, files in {}", settings.faults(), settings.rounds(),
        settings.seed(), settings.directory());
    Random random = new Random(settings.seed());
    List<FaultRow> rows = new ArrayList<>();
    List<SentCommand> everySent = new ArrayList<>();
    try (SuiteServers servers = SuiteServers.start(settings.directory());
        Fleet fleet = Fleet.start(servers, settings)) {
      FaultRound rounds = new FaultRound(servers, fleet, settings, random);
      for (FaultKind kind : settings.faults()) {
        Fault fault = fault(kind, servers, fleet, settings, random);
        List<RoundResult> results = new ArrayList<>();
        for (int round = 1; round <= settings.rounds(); round++) {
          RoundResult result = rounds.run(fault, round, everySent);
          result.findings().forEach(finding -> out.println(finding.describe()));
          log.info("round {} of {}: {} commands, {} invariant(s) failed", round, fault.name(), result.commands(),
              result.findings().size());
          results.add(result);
        }
        rows.add(new FaultRow(fault.name(), results));
      }
    }
    FaultTable table = new FaultTable(rows);
    out.print(table.text());
    table.write(settings.report(), settings);
    out.println("written to " + settings.report());
    return rows.stream().flatMap(row -> row.rounds().stream()).allMatch(r -> r.findings().isEmpty());
  }

  private static Fault fault(FaultKind kind, SuiteServers servers, Fleet fleet, FaultSettings settings,
      Random random) {
    String bootstrap = servers.endpoints().kafkaBootstrapServers();
    return switch (kind) {
      case KILL -> new ServiceKills(fleet.services(), settings.killTogether());
      case WORKER -> new WorkerKill(fleet.service(SuiteService.THUMBNAIL_WORKER),
          new DatabaseView(servers.adminDataSource()));
      case KAFKA -> ServerRestart.kafka(servers, settings.serverDown());
      case POSTGRES -> ServerRestart.postgres(servers, settings.serverDown());
      case REDIS -> ServerRestart.redis(servers, settings.serverDown());
      case B2 -> new B2Outage(servers.b2(), settings.storm());
      case REPLAY -> new CommandReplay(bootstrap, CommandKind.commandTopics());
      case POISON -> new PoisonMessages(bootstrap, random);
      case CLOUDFLARE -> new CloudflareStorm(servers.cloudflare(), settings.storm());
    };
  }

  /**
   * A run starts from empty servers, store and spool (a server a killed run left running is stopped first); the
   * service logs of the last run go, the suite's log stays.
   */
  private static void prepare(Path directory) throws IOException {
    LeftoverProcess.stopIfRunning(directory.resolve("postgres").resolve("postmaster.pid"), "postgres");
    LeftoverProcess.stopIfRunning(directory.resolve("redis").resolve("redis.pid"), "redis");
    for (String part : List.of("objects", "spool", "kafka", "postgres", "redis", "b2")) {
      deleteTree(directory.resolve(part));
    }
    Path logs = directory.resolve("logs");
    if (Files.isDirectory(logs)) {
      try (Stream<Path> files = Files.list(logs)) {
        for (Path file : files.filter(f -> f.getFileName().toString().endsWith("-service.log")).toList()) {
          Files.delete(file);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
