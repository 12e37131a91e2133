package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PhotobombMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.messaging.Message;

/**
 * A batch-mode Spring Cloud Stream consumer that gives a handler exactly-once effects.
 *
 * <p>Records that cannot be read (headers, JSON, schema) or come from a source that may not send them go to the
 * dead-letter topic at once. The rest are handled in one transaction that claims them in the inbox, runs the
 * handler and writes the emitted events to the outbox. If that transaction fails, each record is handled alone;
 * the first that fails alone is named to the container in a BatchListenerFailedException, and Spring Kafka's
 * DefaultErrorHandler ({@link ConsumerErrorHandler}) commits the records before it, waits the backoff and
 * redelivers from it; after its last attempt it is dead-lettered and the records after it flow on. A database
 * outage is not the records' fault: the batch is redelivered from the first unfinished record, without limit.
 */
public final class InboxBatchConsumer<T extends PhotobombMessage> implements Consumer<Message<List<byte[]>>> {

  private static final Logger log = LoggerFactory.getLogger(InboxBatchConsumer.class);

  private final String consumer;
  private final MessageType<T> type;
  private final BatchMessageHandler<T> handler;
  private final MessagingRuntime runtime;
  private final ConsumerMetrics metrics;
  /**
   * Per partition, the record that failed alone on its last delivery and its attempts so far: the error handler
   * keeps no count that a consumer can read, and on redelivery the record is tried alone at once, so that every
   * delivery is one attempt.
   */
  private final Map<TopicPartition, FailedAlone> failedAlone = new ConcurrentHashMap<>();

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
    List<DecodedMessage<T>> run = new ArrayList<>();
    int runStart = 0;
    for (int index = 0; index < records.size(); index++) {
      InboundMessage record = records.get(index);
      DecodedMessage<T> decoded;
      try {
        decoded = decode(record);
      } catch (RejectedMessageException e) {
        handleRun(run, runStart);
        reject(record, index, e);
        run = new ArrayList<>();
        runStart = index + 1;
        continue;
      }
      FailedAlone previous = failedAlone.get(partitionOf(record));
      if (previous != null && previous.offset() == record.offset()) {
        failedAlone.remove(partitionOf(record));
        handleRun(run, runStart);
        handleAlone(decoded, index, previous.attempts() + 1);
        run = new ArrayList<>();
        runStart = index + 1;
        continue;
      }
      run.add(decoded);
    }
    handleRun(run, runStart);
  }

  private DecodedMessage<T> decode(InboundMessage record) {
    try {
      Envelope envelope = EnvelopeReader.read(record, type);
      // before the payload is parsed: what an unknown source sends is not even read
      if (!runtime.sources().accepts(type, envelope.source())) {
        throw new RefusedSourceException(envelope, "ce_source " + envelope.source() + " may not send "
            + type.name() + (type.isCommand() ? " (a command)" : " (an event)"));
      }
      return new DecodedMessage<>(record, envelope, runtime.codec().decode(type, record.payload()));
    } catch (RejectedMessageException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new RejectedMessageException("unreadable", Failures.describe(e), e);
    }
  }

  /** Handles readable records in one transaction; if it fails, each alone. */
  private void handleRun(List<DecodedMessage<T>> run, int start) {
    if (run.isEmpty()) {
      return;
    }
    try {
      metrics.timeBatch(() -> inTransaction(run));
    } catch (RuntimeException e) {
      if (Failures.isOutage(e)) {
        throw redeliver(start, e);
      }
      log.warn("consumer={} batch of {} {} failed ({}); handling each record alone", consumer, run.size(),
          type.name(), Failures.describe(e));
      for (int k = 0; k < run.size(); k++) {
        handleAlone(run.get(k), start + k, 1);
      }
    }
  }

  private void handleAlone(DecodedMessage<T> message, int index, int attempt) {
    if (attempt > 1) {
      metrics.retried();
    }
    try {
      inTransaction(List.of(message));
      return;
    } catch (RuntimeException e) {
      if (Failures.isOutage(e)) {
        // an outage is not an attempt of the handler
        remember(message.raw(), attempt - 1);
        throw redeliver(index, e);
      }
      if (attempt < runtime.maxAttempts()) {
        remember(message.raw(), attempt);
        throw new BatchListenerFailedException("consumer " + consumer + ": attempt " + attempt + " of "
            + runtime.maxAttempts() + " failed: " + Failures.describe(e), e, index);
      }
      deadLetter(message.raw(), index, "handler_failed", e, attempt);
    }
  }

  private void reject(InboundMessage record, int index, RejectedMessageException rejection) {
    if (rejection instanceof RefusedSourceException refused) {
      audit(refused.envelope, record, index);
    }
    deadLetter(record, index, rejection.reason(), rejection, 0);
  }

  /**
   * Audits a refused record once, never with its payload. The inbox remembers it under a consumer name of its
   * own, so that the record, replayed from the DLQ once its source is accepted, is handled.
   */
  private void audit(Envelope envelope, InboundMessage record, int index) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("source", envelope.source());
    details.put("type", envelope.type());
    details.put("subject", envelope.subject());
    details.put("id", envelope.id());
    details.put("topic", record.topic());
    try {
      runtime.transactions().executeWithoutResult(status -> {
        if (!runtime.inbox().claim(consumer + ":refused", List.of(envelope)).isEmpty()) {
          runtime.auditLog().record(null, type.isCommand() ? "command_refused" : "event_refused", envelope.source(),
              details);
        }
      });
    } catch (RuntimeException e) {
      if (Failures.isOutage(e)) {
        throw redeliver(index, e);
      }
      log.error("consumer={} could not audit the refused {} from {}: {}", consumer, type.name(), envelope.source(),
          Failures.describe(e), e);
    }
  }

  private void deadLetter(InboundMessage record, int index, String reason, Throwable cause, int attempts) {
    try {
      runtime.deadLetters().publish(consumer, record, reason, Failures.describe(cause), cause, attempts);
    } catch (RuntimeException e) {
      // not published, so not done: the record comes again and its last attempt is made again
      remember(record, Math.max(attempts - 1, 0));
      throw new BatchListenerFailedException("consumer " + consumer + ": could not dead-letter", e, index);
    }
    ConsumerMetrics.deadLettered(runtime.meterRegistry(), consumer, type, reason);
  }

  private BatchListenerFailedException redeliver(int index, RuntimeException outage) {
    metrics.redelivered();
    log.warn("consumer={} database unavailable ({}); the batch is redelivered from record {}", consumer,
        Failures.describe(outage), index);
    return new BatchListenerFailedException("consumer " + consumer + ": database unavailable", outage, index);
  }

  private void remember(InboundMessage record, int attempts) {
    failedAlone.put(partitionOf(record), new FailedAlone(record.offset(), attempts));
  }

  private static TopicPartition partitionOf(InboundMessage record) {
    return new TopicPartition(record.topic(), record.partition());
  }

  private void inTransaction(List<DecodedMessage<T>> messages) {
    List<OutboxEvent> emitted = new ArrayList<>();
    Set<Envelope> handled = new HashSet<>();
    runtime.transactions().executeWithoutResult(status -> {
      emitted.clear();
      handled.clear();
      Set<Inbox.Key> fresh = runtime.inbox().claim(consumer,
          messages.stream().map(DecodedMessage::envelope).toList());
      List<BatchMessageHandler.Incoming<T>> incoming = new ArrayList<>(fresh.size());
      for (DecodedMessage<T> message : messages) {
        if (fresh.remove(Inbox.Key.of(message.envelope()))) {
          handled.add(message.envelope());
          incoming.add(new BatchMessageHandler.Incoming<>(message.payload(),
              new HandlingContext(message.envelope(), runtime.outbox(), emitted)));
        }
      }
      if (!incoming.isEmpty()) {
        handler.handle(incoming);
      }
      runtime.outbox().writeCaused(emitted);
      metrics.handled(incoming.size(), messages.size() - incoming.size());
    });
    logActivity(messages, handled, emitted);
  }

  /** One line per message after its transaction committed: what it caused, or that it was a redelivery. */
  private void logActivity(List<DecodedMessage<T>> messages, Set<Envelope> handled, List<OutboxEvent> emitted) {
    if (!Activity.log.isInfoEnabled()) {
      return;
    }
    for (DecodedMessage<T> message : messages) {
      String what = type.name() + " " + Activity.shortKey(message.payload().key());
      if (!handled.contains(message.envelope())) {
        Activity.log.info("{} already handled (redelivered); nothing done again", what);
        continue;
      }
      List<String> caused = emitted.stream().filter(e -> message.envelope().id().equals(e.causationId()))
          .map(Activity::describe).toList();
      Activity.log.info("{} handled{}", what, caused.isEmpty() ? "" : " -> " + String.join(", ", caused));
    }
  }

  private record FailedAlone(long offset, int attempts) {
  }

  /** A record from a source that may not send its type. */
  private static final class RefusedSourceException extends RejectedMessageException {

    private final transient Envelope envelope;

    RefusedSourceException(Envelope envelope, String detail) {
      super("refused_source", detail);
      this.envelope = envelope;
    }
  }
}
