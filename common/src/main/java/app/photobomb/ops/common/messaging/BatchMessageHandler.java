package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.PhotobombMessage;
import java.util.List;

/**
 * A handler that takes the new messages of a consumed batch together, so that it can write their state in
 * batched statements. Runs inside the one transaction that also claims them in the inbox and writes their
 * events to the outbox; throwing rolls all of it back, and the messages are then retried one by one.
 */
@FunctionalInterface
public interface BatchMessageHandler<T extends PhotobombMessage> {

  void handle(List<Incoming<T>> messages);

  /** One new message of the batch with its context. */
  record Incoming<T>(T message, HandlingContext context) {
  }

  /** Adapts a one-message handler. */
  static <T extends PhotobombMessage> BatchMessageHandler<T> each(MessageHandler<T> handler) {
    return messages -> messages.forEach(incoming -> handler.handle(incoming.message(), incoming.context()));
  }
}
