package app.photobomb.ops.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One round of one fault: fresh accounts and purges, the mixed load sent in waves, the fault injected several times
 * at random moments after a wave (with a wave sent while it lasts), each injection timed until the consumers have
 * caught up again; then the round settles (every command reaches a terminal event, or the settle time runs out) and
 * is checked from the outside.
 */
final class FaultRound {

  private static final Logger log = LoggerFactory.getLogger(FaultRound.class);

  private final SuiteServers servers;
  private final Fleet fleet;
  private final FaultSettings settings;
  private final Random random;

  FaultRound(SuiteServers servers, Fleet fleet, FaultSettings settings, Random random) {
    this.servers = servers;
    this.fleet = fleet;
    this.settings = settings;
    this.random = random;
  }

  /** Runs round {@code round} of {@code fault}; {@code everySent} gathers the commands of the whole run. */
  RoundResult run(Fault fault, int round, List<SentCommand> everySent) throws Exception {
    Accounts seeder = new Accounts(servers.adminDataSource(), servers.b2(), random.nextLong());
    Map<UUID, SeededAccount> accounts = new HashMap<>();
    List<SeededAccount> forced = seed(seeder, settings.forcedDeletions(), accounts);
    List<SeededAccount> cancelled = seed(seeder, settings.cancelledDeletions(), accounts);
    List<SeededAccount> exported = seed(seeder, settings.exports(), accounts);
    List<SeededAccount> reprocessed = seed(seeder, settings.reprocessed(), accounts);
    List<Duration> recoveries = new ArrayList<>();
    List<SentCommand> sent;
    String bootstrap = servers.endpoints().kafkaBootstrapServers();
    try (CommandSender sender = new CommandSender(bootstrap)) {
      Load load = new Load(sender, forced, cancelled, exported, purges(), reprocessed, random);
      int injections = fault.injectionsPerRound(settings);
      int waves = injections * 2 + 1;
      if (fault.strikesDuring() != null) {
        load.reserve(fault.strikesDuring(), injections);
      }
      for (int i = 0; i < injections; i++) {
        load.sendWave(waves);
        if (fault.strikesDuring() != null) {
          load.sendNext(fault.strikesDuring());
        } else {
          Thread.sleep((long) (random.nextDouble() * settings.maxKillDelay().toMillis()));
        }
        long started = System.nanoTime();
        fault.inject(i, () -> load.sendWave(waves));
        fleet.awaitReady();
        CatchUp.await(bootstrap, CommandKind.commandTopics(), settings.recovery());
        awaitJobsEnded();
        Duration recovery = Duration.ofNanos(System.nanoTime() - started);
        log.info("{} #{}: repaired and caught up after {} ms", fault.name(), i + 1, recovery.toMillis());
        recoveries.add(recovery);
      }
      load.sendRest();
      sent = sender.sent();
    }
    everySent.addAll(sent);
    log.info("round {} of {}: {} commands sent, {} injections; waiting up to {} for every command to end", round,
        fault.name(), sent.size(), recoveries.size(), settings.settle());
    EventLog events = settle(sent);
    List<Finding> findings = new ArrayList<>(new RoundChecks(events, new DatabaseView(servers.adminDataSource()),
        new StoreView(servers.objectStore(), servers.b2()), accounts, servers.cloudflare().purgedTargets()).check(sent));
    findings.addAll(fault.check(bootstrap));
    findings.addAll(RoundChecks.strayDeadLetters(events, everySent));
    log.info("round {} of {} checked: {} forced deletions (rows and objects gone), {} cancelled deletions (account "
        + "whole), {} exports (archive against manifest, originals and event), {} purges (each URL sent once), {} "
        + "reprocess batches (each job done once, thumbnails in place)", round, fault.name(),
        count(sent, CommandKind.FORCED_DELETION), count(sent, CommandKind.DELETION_THEN_CANCELLED),
        count(sent, CommandKind.EXPORT), count(sent, CommandKind.PURGE), count(sent, CommandKind.REPROCESS));
    return new RoundResult(sent.size(), findings, recoveries);
  }

  /** The workers' side of a recovery: every job queued by then has ended (done or failed). */
  private void awaitJobsEnded() {
    DatabaseView database = new DatabaseView(servers.adminDataSource());
    Awaitility.await("every queued job ended").atMost(settings.recovery()).pollInterval(Duration.ofMillis(500))
        .ignoreExceptions().until(() -> database.unfinishedJobs() == 0);
  }

  private static long count(List<SentCommand> sent, CommandKind kind) {
    return sent.stream().filter(command -> command.kind() == kind).count();
  }

  private List<SeededAccount> seed(Accounts seeder, int count, Map<UUID, SeededAccount> accounts) {
    List<SeededAccount> seeded = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      SeededAccount account = seeder.seed(settings.photosPerAccount());
      accounts.put(account.userId(), account);
      seeded.add(account);
    }
    return seeded;
  }

  /** Thumbnail URLs of the zone, three sizes of a new photo per purge: each URL in one purge only. */
  private List<List<String>> purges() {
    List<List<String>> purges = new ArrayList<>();
    for (int i = 0; i < settings.purges(); i++) {
      UUID photoId = new UUID(random.nextLong(), random.nextLong());
      purges.add(List.of(256, 512, 1024).stream()
          .map(size -> servers.cloudflare().baseUrl() + "/thumb/" + photoId + "/" + size + ".webp").toList());
    }
    return purges;
  }

  /** Reads the event topics until every command has a terminal event, or the settle time is up. */
  private EventLog settle(List<SentCommand> sent) {
    List<String> topics = CommandKind.terminalTopics();
    List<String> deadLetters = CommandKind.deadLetterTopics();
    String bootstrap = servers.endpoints().kafkaBootstrapServers();
    AtomicReference<EventLog> last = new AtomicReference<>();
    try {
      Awaitility.await("every command's terminal event").atMost(settings.settle()).pollInterval(Duration.ofSeconds(3))
          .until(() -> {
            EventLog events = EventLog.read(bootstrap, topics, deadLetters);
            last.set(events);
            return sent.stream().allMatch(command -> !events.terminal(command).isEmpty());
          });
    } catch (ConditionTimeoutException e) {
      log.warn("not every command ended within {}; the checks count the rest as lost", settings.settle());
    }
    return last.get() != null ? last.get() : EventLog.read(bootstrap, topics, deadLetters);
  }
}
