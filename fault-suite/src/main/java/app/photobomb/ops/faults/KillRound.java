package app.photobomb.ops.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One round of the kill fault: fresh accounts, the mixed load sent in waves, and each service's JVM killed in turn
 * (SIGKILL at a random moment after a wave) and started again at once, with a wave sent while it is down; then the
 * round settles (every command reaches a terminal event, or the settle time runs out) and is checked.
 */
final class KillRound {

  private static final Logger log = LoggerFactory.getLogger(KillRound.class);

  private final SuiteServers servers;
  private final Fleet fleet;
  private final FaultSettings settings;
  private final Random random;

  KillRound(SuiteServers servers, Fleet fleet, FaultSettings settings, Random random) {
    this.servers = servers;
    this.fleet = fleet;
    this.settings = settings;
    this.random = random;
  }

  RoundResult run(int round) throws InterruptedException {
    Accounts seeder = new Accounts(servers.adminDataSource(), servers.objectStore(), random.nextLong());
    Map<UUID, SeededAccount> accounts = new HashMap<>();
    List<SeededAccount> forced = seed(seeder, settings.forcedDeletions(), accounts);
    List<SeededAccount> cancelled = seed(seeder, settings.cancelledDeletions(), accounts);
    List<SeededAccount> exported = seed(seeder, settings.exports(), accounts);
    List<Duration> recoveries = new ArrayList<>();
    List<SentCommand> sent;
    try (CommandSender sender = new CommandSender(servers.endpoints().kafkaBootstrapServers())) {
      Load load = new Load(sender, forced, cancelled, exported, random);
      int kills = settings.killsPerService() * fleet.services().size();
      int waves = kills * 2 + 1;
      for (int k = 0; k < settings.killsPerService(); k++) {
        for (ServiceProcess service : fleet.services()) {
          load.sendWave(waves);
          recoveries.add(killAndRestart(service, () -> load.sendWave(waves)));
        }
      }
      load.sendRest();
      sent = sender.sent();
    }
    log.info("round {}: {} commands sent, {} kills; waiting up to {} for every command to end", round, sent.size(),
        recoveries.size(), settings.settle());
    EventLog events = settle(sent);
    List<Finding> findings = new RoundChecks(events, new DatabaseView(servers.adminDataSource()),
        new StoreView(servers.objectStore()), accounts).check(sent);
    log.info("round {} checked: {} forced deletions (rows and objects gone), {} cancelled deletions (account whole), "
        + "{} exports (archive against manifest, originals and event)", round, count(sent, CommandKind.FORCED_DELETION),
        count(sent, CommandKind.DELETION_THEN_CANCELLED), count(sent, CommandKind.EXPORT));
    return new RoundResult(sent.size(), findings, recoveries);
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

  /**
   * Kills the service at a random moment within the longest kill delay, starts it again at once, sends a wave while
   * it starts, and returns the time from the kill until it is ready again.
   */
  private Duration killAndRestart(ServiceProcess service, Runnable whileDown) throws InterruptedException {
    long delayMillis = (long) (random.nextDouble() * settings.maxKillDelay().toMillis());
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      timer.schedule(() -> {
        service.kill();
        return null;
      }, delayMillis, TimeUnit.MILLISECONDS).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not kill " + service.service().serviceName(), e.getCause());
    } finally {
      timer.shutdownNow();
    }
    long killed = System.nanoTime();
    service.start();
    whileDown.run();
    service.awaitReady();
    Duration recovery = Duration.ofNanos(System.nanoTime() - killed);
    log.info("killed {} (SIGKILL, {} ms after its wave); ready again after {} ms", service.service().serviceName(),
        delayMillis, recovery.toMillis());
    return recovery;
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
