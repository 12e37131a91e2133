package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Micrometer meters of one consumer: handled, duplicate, retried and dead-lettered records, batch time. */
final class ConsumerMetrics {

  private final MeterRegistry registry;
  private final String consumer;
  private final String type;
  private final Counter handled;
  private final Counter duplicates;
  private final Counter retries;
  private final Timer batches;

  ConsumerMetrics(MeterRegistry registry, String consumer, MessageType<?> messageType) {
    this.registry = registry;
    this.consumer = consumer;
    this.type = messageType.name();
    this.handled = counter("photobomb.messages.handled", "Records whose handler committed");
    this.duplicates = counter("photobomb.messages.duplicates", "Redelivered records the inbox dropped");
    this.retries = counter("photobomb.messages.retries", "Handler attempts that failed and were retried");
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

  void deadLettered(String reason) {
    Counter.builder("photobomb.messages.dead_lettered")
        .description("Records sent to the dead-letter topic")
        .tags("consumer", consumer, "type", type, "reason", reason)
        .register(registry)
        .increment();
  }

  void timeBatch(Runnable work) {
    batches.record(work);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).tags("consumer", consumer, "type", type).register(registry);
  }
}
