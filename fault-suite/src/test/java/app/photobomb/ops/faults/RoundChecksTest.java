package app.photobomb.ops.faults;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.CachePurgeRequested;
import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.faults.Finding.Problem;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks find what a broken system would show: no terminal event, two of them, a URL purged twice, a stray. */
class RoundChecksTest {

  private static final String RESTORED = MessageCatalog.USER_RESTORED.topic();

  @TempDir
  Path store;

  @Test
  void aCommandWithoutATerminalEventIsLostAndOneWithTwoIsDuplicated() {
    SentCommand lost = cancel();
    SentCommand twice = cancel();
    SentCommand once = cancel();
    EventLog events = EventLog.of(List.of(event(RESTORED, twice), event(RESTORED, twice), event(RESTORED, once)),
        List.of());

    List<Finding> findings = checks(events, Map.of()).check(List.of(lost, twice, once));

    assertThat(findings).extracting(Finding::problem).containsExactly(Problem.LOST, Problem.DUPLICATED);
    assertThat(findings.get(0).describe()).contains(lost.ceId()).contains("no terminal event");
    assertThat(findings.get(1).describe()).contains(twice.ceId()).contains("2 terminal events");
  }

  @Test
  void aPurgeWhoseUrlWentOutTwiceOrNeverIsWrong() {
    String sentTwice = "http://127.0.0.1:1/thumb/" + UUID.randomUUID() + "/256.webp";
    String neverSent = "http://127.0.0.1:1/thumb/" + UUID.randomUUID() + "/512.webp";
    UUID purgeId = UUID.randomUUID();
    SentCommand purge = new SentCommand(CommandKind.PURGE, UUID.randomUUID().toString(),
        UUID.randomUUID().toString(), purgeId.toString(), null, null, new PayloadCodec().encode(
            new CachePurgeRequested(purgeId, List.of(sentTwice, neverSent), List.of(), false, false, "api")),
        Instant.now());
    EventLog events = EventLog.of(List.of(event(MessageCatalog.CACHE_PURGED.topic(), purge)), List.of());

    List<Finding> findings = checks(events, Map.of(sentTwice, 2)).check(List.of(purge));

    assertThat(findings).singleElement().satisfies(finding -> {
      assertThat(finding.problem()).isEqualTo(Problem.WRONG_STATE);
      assertThat(finding.state()).contains(sentTwice + " purged 2 times").contains(neverSent + " purged 0 times");
    });
  }

  @Test
  void aDeadLetterOfNoCommandAndNoPoisonIsAFinding() {
    SentCommand command = cancel();
    ObservedEvent commandsLetter = new ObservedEvent("user-deletion-cancelled.dlq", command.ceId(), "c",
        command.key(), "[handler_failed: ...]");
    ObservedEvent poison = new ObservedEvent("user-deletion-requested.dlq", null, "null",
        PoisonMessages.KEY_PREFIX + UUID.randomUUID(), "[missing_header: ce_id]");
    ObservedEvent stray = new ObservedEvent("user-export-requested.dlq", "someone-elses", "null", "k", "[...]");

    List<Finding> findings = RoundChecks.strayDeadLetters(EventLog.of(List.of(),
        List.of(commandsLetter, poison, stray)), List.of(command));

    assertThat(findings).singleElement().satisfies(finding -> assertThat(finding.events()).containsExactly(stray));
  }

  private RoundChecks checks(EventLog events, Map<String, Integer> purged) {
    return new RoundChecks(events, null, new StoreView(store, null), Map.of(), purged);
  }

  private static SentCommand cancel() {
    UUID userId = UUID.randomUUID();
    return new SentCommand(CommandKind.CANCEL, UUID.randomUUID().toString(), UUID.randomUUID().toString(),
        userId.toString(), userId, null, "{}", Instant.now());
  }

  private static ObservedEvent event(String topic, SentCommand command) {
    return new ObservedEvent(topic, UUID.randomUUID().toString(), command.correlationId(), command.key(), "{}");
  }
}
