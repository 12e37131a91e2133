package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.PhotobombMessage;

/**
 * The domain side of a consumer: runs inside the transaction that also records the message in the inbox and
 * writes the emitted events to the outbox. Throwing rolls all of it back.
 */
@FunctionalInterface
public interface MessageHandler<T extends PhotobombMessage> {

  void handle(T message, HandlingContext context);
}
