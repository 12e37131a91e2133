package app.photobomb.ops.faults;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The commands of the load, each with the topics of the events that end it (one of them, exactly once, by the
 * architecture's promise) and the one it should end in here.
 */
enum CommandKind {
  /** An operator's immediate deletion (the CLI's {@code --now}): ends in the hard delete. */
  FORCED_DELETION(MessageCatalog.USER_DELETION_REQUESTED, MessageCatalog.USER_HARD_DELETED,
      List.of(MessageCatalog.USER_HARD_DELETED, MessageCatalog.USER_DELETION_FAILED)),
  /**
   * A deletion in the grace period that a cancel follows: scheduled, or refused as older than the cancel when the
   * cancel is handled first (both keep the account).
   */
  DELETION_THEN_CANCELLED(MessageCatalog.USER_DELETION_REQUESTED, null,
      List.of(MessageCatalog.USER_DELETION_SCHEDULED, MessageCatalog.USER_DELETION_FAILED)),
  /** The cancel of such a deletion: restored, or refused when nothing was scheduled yet. */
  CANCEL(MessageCatalog.USER_DELETION_CANCELLED, null,
      List.of(MessageCatalog.USER_RESTORED, MessageCatalog.USER_DELETION_FAILED)),
  /** An export asked for by the user: ends completed. */
  EXPORT(MessageCatalog.USER_EXPORT_REQUESTED, MessageCatalog.USER_EXPORT_COMPLETED,
      List.of(MessageCatalog.USER_EXPORT_COMPLETED, MessageCatalog.USER_EXPORT_FAILED)),
  /** A purge of thumbnail URLs (as the API asks after a user replaced a photo): ends purged, every URL sent. */
  PURGE(MessageCatalog.CACHE_PURGE_REQUESTED, MessageCatalog.CACHE_PURGED,
      List.of(MessageCatalog.CACHE_PURGED, MessageCatalog.CACHE_PURGE_FAILED)),
  /** A batch regenerating the thumbnails of an account's photos: ends completed, every job done once. */
  REPROCESS(MessageCatalog.REPROCESS_BATCH, MessageCatalog.REPROCESS_BATCH_COMPLETED,
      List.of(MessageCatalog.REPROCESS_BATCH_COMPLETED, MessageCatalog.REPROCESS_BATCH_FAILED));

  private final MessageType<?> command;
  private final MessageType<?> expected;
  private final List<MessageType<?>> terminal;

  CommandKind(MessageType<?> command, MessageType<?> expected, List<MessageType<?>> terminal) {
    this.command = command;
    this.expected = expected;
    this.terminal = terminal;
  }

  MessageType<?> command() {
    return command;
  }

  /** The terminal event it must end in; null when either of its terminal events is right (checked by state). */
  MessageType<?> expected() {
    return expected;
  }

  List<MessageType<?>> terminal() {
    return terminal;
  }

  /** The topics the load's commands are published on. */
  static List<String> commandTopics() {
    return Arrays.stream(values()).map(kind -> kind.command.topic()).distinct().toList();
  }

  /** The dead-letter topics of the commands' topics. */
  static List<String> deadLetterTopics() {
    return Arrays.stream(values()).map(kind -> kind.command.topic() + ".dlq").distinct().toList();
  }

  /** Every topic some kind of command ends on, and the thumbnails' regenerations: what the checks read. */
  static List<String> terminalTopics() {
    return Stream.concat(Arrays.stream(values()).flatMap(kind -> kind.terminal.stream()),
        Stream.of(MessageCatalog.THUMBNAILS_REGENERATED)).map(MessageType::topic).distinct().toList();
  }
}
