package app.photobomb.ops.faults;

import app.photobomb.ops.common.events.CachePurgeRequested;
import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.ReprocessBatchCompleted;
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
 * event; a purge has sent each of its URLs to Cloudflare once. A dead letter of a load's command is shown with it; a
 * dead letter that is neither a command's nor a poison record's is a finding of its own.
 */
final class RoundChecks {

  private final EventLog events;
  private final DatabaseView database;
  private final StoreView store;
  private final Map<UUID, SeededAccount> accounts;
  private final Map<String, Integer> purgedUrls;
  private final PayloadCodec codec = new PayloadCodec();

  RoundChecks(EventLog events, DatabaseView database, StoreView store, Map<UUID, SeededAccount> accounts,
      Map<String, Integer> purgedUrls) {
    this.events = events;
    this.database = database;
    this.store = store;
    this.accounts = accounts;
    this.purgedUrls = purgedUrls;
  }

  /** Dead letters of the round's topics that are neither a poison record's nor one of the commands sent. */
  static List<Finding> strayDeadLetters(EventLog events, List<SentCommand> everySent) {
    List<String> known = everySent.stream().map(SentCommand::ceId).toList();
    return events.deadLetters().stream()
        .filter(letter -> letter.key() == null || !letter.key().startsWith(PoisonMessages.KEY_PREFIX))
        .filter(letter -> !known.contains(letter.ceId()))
        .map(letter -> new Finding(Problem.WRONG_STATE, "dead letter key=" + letter.key(), List.of(letter),
            "a dead letter that is neither a poison record nor a command of the load"))
        .toList();
  }

  List<Finding> check(List<SentCommand> commands) {
    List<Finding> findings = new ArrayList<>();
    for (SentCommand command : commands) {
      List<ObservedEvent> terminal = events.terminal(command);
      List<ObservedEvent> all = events.of(command);
      if (terminal.isEmpty()) {
        findings.add(Finding.about(Problem.LOST, command, all, "no terminal event"));
        continue;
      }
      if (terminal.size() > 1) {
        findings.add(Finding.about(Problem.DUPLICATED, command, all, terminal.size() + " terminal events"));
      }
      ObservedEvent end = terminal.get(0);
      if (command.kind().expected() != null && !end.topic().equals(command.kind().expected().topic())) {
        findings.add(Finding.about(Problem.WRONG_STATE, command, all, "ended on " + end.topic() + ", not "
            + command.kind().expected().topic()));
        continue;
      }
      wrongState(command, end).ifPresent(state -> findings.add(Finding.about(Problem.WRONG_STATE, command, all, state)));
      if (terminal.size() == 1) {
        // a second hard delete under another correlation id: the same effect twice, not yet counted
        duplicateHardDelete(command).ifPresent(state ->
            findings.add(Finding.about(Problem.DUPLICATED, command, all, state)));
      }
    }
    return findings;
  }

  private Optional<String> wrongState(SentCommand command, ObservedEvent end) {
    if (command.kind() == CommandKind.PURGE) {
      List<String> problems = purged(command);
      return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }
    SeededAccount account = accounts.get(command.userId());
    List<String> problems = switch (command.kind()) {
      case FORCED_DELETION -> deleted(account);
      case DELETION_THEN_CANCELLED -> kept(account);
      case EXPORT -> exported(command, account, end);
      case REPROCESS -> reprocessed(account, end);
      case CANCEL, PURGE -> List.of();
    };
    return problems.isEmpty() ? Optional.empty()
        : Optional.of(String.join("; ", problems) + " [" + database.account(account.userId()) + "]");
  }

  /**
   * Every photo of the account had one job, done, told once as thumbnails-regenerated, and has its three thumbnails
   * in the store; the completion counts them all done.
   */
  private List<String> reprocessed(SeededAccount account, ObservedEvent end) {
    ReprocessBatchCompleted completed = codec.decode(MessageCatalog.REPROCESS_BATCH_COMPLETED,
        end.payload().getBytes(StandardCharsets.UTF_8));
    List<String> problems = new ArrayList<>();
    if (completed.done() != account.photos().size() || completed.failed() != 0) {
      problems.add("completed with " + completed.done() + " done and " + completed.failed() + " failed, not "
          + account.photos().size() + " done");
    }
    for (SeededAccount.Photo photo : account.photos()) {
      List<String> jobs = database.thumbnailJobs(photo.photoId());
      if (!jobs.equals(List.of("done"))) {
        problems.add("photo " + photo.photoId() + " jobs " + jobs);
      }
      int told = events.about(MessageCatalog.THUMBNAILS_REGENERATED.topic(), photo.photoId().toString()).size();
      if (told != 1) {
        problems.add("photo " + photo.photoId() + " told regenerated " + told + " times");
      }
      List<String> files = database.thumbnailFiles(photo.photoId());
      List<String> missing = files.stream().map(file -> file.substring(file.indexOf(' ') + 1))
          .filter(path -> !store.exists(path.substring(0, path.indexOf('/')), path.substring(path.indexOf('/') + 1)))
          .toList();
      if (files.size() != 3 || !missing.isEmpty()) {
        problems.add("photo " + photo.photoId() + " thumbnails " + files + (missing.isEmpty() ? ""
            : ", not in the store: " + missing));
      }
    }
    return problems;
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

  /** Every URL of the purge was in a call Cloudflare accepted, once (each URL of the load is in one purge only). */
  private List<String> purged(SentCommand command) {
    CachePurgeRequested request = codec.decode(MessageCatalog.CACHE_PURGE_REQUESTED,
        command.payload().getBytes(StandardCharsets.UTF_8));
    List<String> problems = new ArrayList<>();
    for (String url : request.urls()) {
      int times = purgedUrls.getOrDefault(url, 0);
      if (times != 1) {
        problems.add(url + " purged " + times + " times");
      }
    }
    return problems;
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
