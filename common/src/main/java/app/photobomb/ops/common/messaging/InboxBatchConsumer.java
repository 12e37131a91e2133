package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PhotobombMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.Message;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A batch-mode Spring Cloud Stream consumer that gives a handler exactly-once effects.
 *
 * <p>Records that cannot be read (headers, JSON, schema) go to the dead-letter topic at once. The rest are
 * handled in one transaction that claims their ids in the inbox, runs the handler and writes the emitted
 * events to the outbox. If that transaction fails, each record is handled alone with bounded retries, and a
 * record that still fails is dead-lettered, so one bad record never blocks the ones after it. Database
 * outages are not the records' fault: they propagate, and the binder redelivers the batch later.
 */
public final class InboxBatchConsumer<T extends PhotobombMessage> implements Consumer<Message<List<byte[]>>> {

  private static final Logger log = LoggerFactory.getLogger(InboxBatchConsumer.class);

  private final String consumer;
  private final MessageType<T> type;
  private final BatchMessageHandler<T> handler;
  private final MessagingRuntime runtime;
  private final ConsumerMetrics metrics;

  InboxBatchConsumer(String consumer, MessageType<T> type, BatchMessageHandler<T> handler,
      MessagingRuntime runtime) {
    this.consumer = consumer;
    this.type = type;
    this.handler = handler;
    this.runtime = runtime;
    this.metrics = new ConsumerMetrics(runtime.meterRegistry(), consumer, type);
  }

  @Override
  public void accept(Message<List<byte[]>> batch) {
    List<InboundMessage> records = BatchRecords.split(batch);
    log.debug("consumer={} received {} records", consumer, records.size());
    List<DecodedMessage<T>> readable = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    for (InboundMessage record : records) {
      try {
        readable.add(decode(record));
      } catch (RejectedMessageException e) {
        rejected.add(new Rejected(record, e.reason(), e));
      } catch (RuntimeException e) {
        rejected.add(new Rejected(record, "unreadable", e));
      }
    }
    if (!readable.isEmpty()) {
      handle(readable);
    }
    // Dead-lettered only once the batch's transaction is settled, so a database outage that makes the binder
    // redeliver the batch does not dead-letter these again on every attempt.
    for (Rejected reject : rejected) {
      runtime.deadLetters().publish(consumer, reject.record(), reject.reason(), Failures.describe(reject.cause()),
          reject.cause(), 0);
      metrics.deadLettered(reject.reason());
    }
  }

  private void handle(List<DecodedMessage<T>> readable) {
    try {
      metrics.timeBatch(() -> inTransaction(readable));
    } catch (RuntimeException e) {
      if (Failures.isInfrastructure(e)) {
        throw e;
      }
      log.warn("consumer={} batch of {} {} failed ({}); handling each record alone", consumer, readable.size(),
          type.name(), Failures.describe(e));
      readable.forEach(this::handleAlone);
    }
  }

  private record Rejected(InboundMessage record, String reason, RuntimeException cause) {
  }

  private DecodedMessage<T> decode(InboundMessage record) {
    Envelope envelope = EnvelopeReader.read(record, type);
    return new DecodedMessage<>(record, envelope, runtime.codec().decode(type, record.payload()));
  }

  private void handleAlone(DecodedMessage<T> message) {
    RetryingExecutor.Outcome outcome = runtime.retries().run(() -> inTransaction(List.of(message)),
        metrics::retried);
    if (outcome.failure() == null) {
      return;
    }
    if (Failures.isInfrastructure(outcome.failure())) {
      throw outcome.failure();
    }
    runtime.deadLetters().publish(consumer, message.raw(), "handler_failed", Failures.describe(outcome.failure()),
        outcome.failure(), outcome.attempts());
    metrics.deadLettered("handler_failed");
  }

  private void inTransaction(List<DecodedMessage<T>> messages) {
    TransactionTemplate transactions = runtime.transactions();
    transactions.executeWithoutResult(status -> {
      Set<String> fresh = runtime.inbox().claim(consumer, messages.stream().map(DecodedMessage::envelope).toList());
      List<OutboxEvent> emitted = new ArrayList<>();
      List<BatchMessageHandler.Incoming<T>> incoming = new ArrayList<>(fresh.size());
      for (DecodedMessage<T> message : messages) {
        if (fresh.remove(message.envelope().id())) {
          incoming.add(new BatchMessageHandler.Incoming<>(message.payload(),
              new HandlingContext(message.envelope(), runtime.outbox(), emitted)));
        }
      }
      if (!incoming.isEmpty()) {
        handler.handle(incoming);
      }
      runtime.outbox().write(emitted);
      metrics.handled(incoming.size(), messages.size() - incoming.size());
    });
  }
}
