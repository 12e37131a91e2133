package app.photobomb.ops.cli.follow;

import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PhotobombMessage;
import java.util.function.Function;

/**
 * One event type that answers a command, how it is recognised as part of the command's conversation, and what it
 * means ({@link Answer}).
 */
public record Reply<T extends PhotobombMessage>(MessageType<T> type, Match match, Function<T, Answer> reading) {

  /** How an event is known to answer this command. */
  public enum Match {
    /** It carries the command's correlation id (every service copies it onto what it emits). */
    CORRELATION,
    /**
     * Its record key is the command's key, whatever its correlation: the event answers the aggregate, not this
     * command (a batch completes under the correlation of the batch, not of the cancel that stopped it). Read from
     * the topic's beginning, so that an aggregate that ended before the command still answers.
     */
    KEY
  }

  public static <T extends PhotobombMessage> Reply<T> on(MessageType<T> type, Function<T, Answer> reading) {
    return new Reply<>(type, Match.CORRELATION, reading);
  }

  public static <T extends PhotobombMessage> Reply<T> byKey(MessageType<T> type, Function<T, Answer> reading) {
    return new Reply<>(type, Match.KEY, reading);
  }

  /** Reads a decoded payload of this reply's type. */
  public Answer read(PhotobombMessage payload) {
    return reading.apply(type.payloadType().cast(payload));
  }
}
