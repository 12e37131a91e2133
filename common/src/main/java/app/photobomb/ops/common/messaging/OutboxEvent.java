package app.photobomb.ops.common.messaging;

import java.util.UUID;

/** One row of the outbox table: an event and its CloudEvents attributes, published after commit. */
public record OutboxEvent(UUID id, String topic, String aggregateId, String type, String source, String payload,
    String correlationId, String causationId) {
}
