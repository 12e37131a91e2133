package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;

/**
 * Micrometer meters of one consumer: handled, duplicate, retried and dead-lettered records, redeliveries for
 * outages, batch time.
 */
final class ConsumerMetrics {

  /** The reasons the core dead-letters for (EnvelopeReader, PayloadCodec, InboxBatchConsumer). */
  static final List<String> DEAD_LETTER_REASONS = List.of("missing_header", "invalid_header", "wrong_type",
      "malformed_json", "schema_violation", "unreadable", "refused_source", "handler_failed");

  private final Counter handled;
  private final Counter duplicates;
  private final Counter retries;
  private final Counter redeliveries;
  private final Timer batches;

  ConsumerMetrics(MeterRegistry registry, String consumer, MessageType<?> messageType) {
    String type = messageType.name();
    this.handled = counter(registry, "photobomb.messages.handled", "Records whose handler committed", consumer, type);
    this.duplicates = counter(registry, "photobomb.messages.duplicates", "Redelivered records the inbox dropped",
        consumer, type);
    this.retries = counter(registry, "photobomb.messages.retries", "Handler attempts that failed and were retried",
        consumer, type);
    this.redeliveries = counter(registry, "photobomb.messages.redeliveries",
        "Batches handed back for redelivery because the database was out", consumer, type);
    // registered at start, so that a consumer's first dead letter is an increase() and not a new series
    for (String reason : DEAD_LETTER_REASONS) {
      deadLetterCounter(registry, consumer, type, reason);
    }
    this.batches = Timer.builder("photobomb.messages.batch")
        .description("Time to handle one batch in one transaction")
        .tags("consumer", consumer, "type", type)
        .register(registry);
  }

  void handled(int count, int duplicateCount) {
    handled.increment(count);
    duplicates.increment(duplicateCount);
  }

  void retried() {
    retries.increment();
  }

  void redelivered() {
    redeliveries.increment();
  }

  void timeBatch(Runnable work) {
    batches.record(work);
  }

  /** Counts a record sent to the dead-letter topic (by the container's recoverer, which has no consumer at hand). */
  static void deadLettered(MeterRegistry registry, String consumer, MessageType<?> type, String reason) {
    deadLetterCounter(registry, consumer, type.name(), reason).increment();
  }

  private static Counter deadLetterCounter(MeterRegistry registry, String consumer, String type, String reason) {
    return Counter.builder("photobomb.messages.dead_lettered")
        .description("Records sent to the dead-letter topic")
        .tags("consumer", consumer, "type", type, "reason", reason)
        .register(registry);
  }

  private static Counter counter(MeterRegistry registry, String name, String description, String consumer,
      String type) {
    return Counter.builder(name).description(description).tags("consumer", consumer, "type", type).register(registry);
  }
}
