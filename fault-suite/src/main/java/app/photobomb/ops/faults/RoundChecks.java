package app.photobomb.ops.faults;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.UserExportCompleted;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.faults.Finding.Problem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The invariants of a round, checked from the outside once it has settled: every command has exactly one terminal
 * event (none: lost; several: a duplicated effect), and the state agrees with it. A forced deletion leaves no
 * users row, no photo and no object of the account in any bucket; a cancelled one leaves the account whole and
 * never hard-deleted; an export is completed once, with one archive that matches its manifest, its account and its
 * event.
 */
final class RoundChecks {

  private final EventLog events;
  private final DatabaseView database;
  private final StoreView store;
  private final Map<UUID, SeededAccount> accounts;
  private final PayloadCodec codec = new PayloadCodec();

  RoundChecks(EventLog events, DatabaseView database, StoreView store, Map<UUID, SeededAccount> accounts) {
    this.events = events;
    this.database = database;
    this.store = store;
    this.accounts = accounts;
  }

  List<Finding> check(List<SentCommand> commands) {
    List<Finding> findings = new ArrayList<>();
    for (SentCommand command : commands) {
      List<ObservedEvent> terminal = events.terminal(command);
      List<ObservedEvent> all = events.of(command);
      if (terminal.isEmpty()) {
        findings.add(new Finding(Problem.LOST, command, all, "no terminal event"));
        continue;
      }
      if (terminal.size() > 1) {
        findings.add(new Finding(Problem.DUPLICATED, command, all, terminal.size() + " terminal events"));
      }
      ObservedEvent end = terminal.get(0);
      if (command.kind().expected() != null && !end.topic().equals(command.kind().expected().topic())) {
        findings.add(new Finding(Problem.WRONG_STATE, command, all, "ended on " + end.topic() + ", not "
            + command.kind().expected().topic()));
        continue;
      }
      wrongState(command, end).ifPresent(state -> findings.add(new Finding(Problem.WRONG_STATE, command, all, state)));
      if (terminal.size() == 1) {
        // a second hard delete under another correlation id: the same effect twice, not yet counted
        duplicateHardDelete(command).ifPresent(state ->
            findings.add(new Finding(Problem.DUPLICATED, command, all, state)));
      }
    }
    return findings;
  }

  private Optional<String> wrongState(SentCommand command, ObservedEvent end) {
    SeededAccount account = accounts.get(command.userId());
    List<String> problems = switch (command.kind()) {
      case FORCED_DELETION -> deleted(account);
      case DELETION_THEN_CANCELLED -> kept(account);
      case EXPORT -> exported(command, account, end);
      case CANCEL -> List.of();
    };
    return problems.isEmpty() ? Optional.empty()
        : Optional.of(String.join("; ", problems) + " [" + database.account(account.userId()) + "]");
  }

  /** A hard delete is one effect per account, whatever the correlation it carries. */
  private Optional<String> duplicateHardDelete(SentCommand command) {
    if (command.kind() != CommandKind.FORCED_DELETION) {
      return Optional.empty();
    }
    int count = events.about(MessageCatalog.USER_HARD_DELETED.topic(), command.userId().toString()).size();
    return count > 1 ? Optional.of(count + " user-hard-deleted events for the account")
        : Optional.empty();
  }

  private List<String> deleted(SeededAccount account) {
    List<String> problems = new ArrayList<>();
    UUID userId = account.userId();
    if (database.userExists(userId) || database.photos(userId) > 0) {
      problems.add("the account's rows are still there");
    }
    if (database.queuedUploads(userId) > 0) {
      problems.add("uploads of the account are still queued");
    }
    List<String> left = new ArrayList<>(store.keys(SuiteServers.ORIGINALS, "originals/" + userId + "/"));
    left.addAll(store.keys(SuiteServers.EXPORTS, "exports/" + userId + "/"));
    account.photos().forEach(photo -> left.addAll(store.keys(SuiteServers.THUMBNAILS,
        "thumbs/" + photo.photoId() + "/")));
    if (!left.isEmpty()) {
      problems.add("objects left in the store: " + left);
    }
    return problems;
  }

  private List<String> kept(SeededAccount account) {
    List<String> problems = new ArrayList<>();
    UUID userId = account.userId();
    if (!database.userExists(userId) || database.softDeleted(userId)) {
      problems.add("the cancelled account is not restored");
    }
    if (database.photos(userId) != account.photos().size()) {
      problems.add("the cancelled account lost photos");
    }
    List<String> missing = account.photos().stream()
        .flatMap(photo -> Stream.of(
            store.exists(SuiteServers.ORIGINALS, photo.originalKey()) ? null : photo.originalKey(),
            store.exists(SuiteServers.THUMBNAILS, photo.thumbnailKey()) ? null : photo.thumbnailKey()))
        .filter(Objects::nonNull).toList();
    if (!missing.isEmpty()) {
      problems.add("objects of the cancelled account are gone: " + missing);
    }
    if (!events.about(MessageCatalog.USER_HARD_DELETED.topic(), userId.toString()).isEmpty()) {
      problems.add("the cancelled account was hard-deleted");
    }
    return problems;
  }

  private List<String> exported(SentCommand command, SeededAccount account, ObservedEvent end) {
    UserExportCompleted completed = codec.decode(MessageCatalog.USER_EXPORT_COMPLETED,
        end.payload().getBytes(StandardCharsets.UTF_8));
    List<String> archives = store.keys(SuiteServers.EXPORTS, "exports/" + account.userId() + "/").stream()
        .filter(key -> key.contains(command.exportId() + "-") && key.endsWith(".zip")).toList();
    if (archives.size() != 1) {
      return List.of("the store holds " + archives.size() + " archives of the export: " + archives);
    }
    return ArchiveCheck.problems(store.path(SuiteServers.EXPORTS, archives.get(0)), account, completed).stream()
        .map(problem -> archives.get(0) + ": " + problem).toList();
  }
}
