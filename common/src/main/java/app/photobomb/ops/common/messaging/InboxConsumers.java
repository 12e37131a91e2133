package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PhotobombMessage;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.messaging.Message;

/**
 * Makes the functional beans that services bind with Spring Cloud Stream, e.g.
 * {@code consumers.of("deletion-service", MessageCatalog.USER_DELETION_REQUESTED, handler)}.
 */
public final class InboxConsumers {

  private final MessagingRuntime runtime;

  InboxConsumers(MessagingRuntime runtime) {
    this.runtime = runtime;
  }

  /** A batch consumer for one message type; {@code consumer} names it in the inbox, the DLQ headers and metrics. */
  public <T extends PhotobombMessage> Consumer<Message<List<byte[]>>> of(String consumer, MessageType<T> type,
      MessageHandler<T> handler) {
    return ofBatches(consumer, type, BatchMessageHandler.each(handler));
  }

  /** As {@link #of}, for a handler that writes the state of a whole batch at once. */
  public <T extends PhotobombMessage> Consumer<Message<List<byte[]>>> ofBatches(String consumer, MessageType<T> type,
      BatchMessageHandler<T> handler) {
    return new InboxBatchConsumer<>(consumer, type, handler, runtime);
  }
}
