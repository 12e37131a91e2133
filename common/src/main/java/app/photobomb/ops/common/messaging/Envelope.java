package app.photobomb.ops.common.messaging;

import java.time.Instant;

/** The CloudEvents attributes of a handled message that handlers and emitted events need. */
public record Envelope(String id, String type, String source, Instant time, String subject, String correlationId) {
}
