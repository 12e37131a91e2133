package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.PhotobombMessage;
import java.util.List;

/** What a handler knows of the message it handles, and how it emits events caused by it. */
public final class HandlingContext {

  private final Envelope envelope;
  private final Outbox outbox;
  private final List<OutboxEvent> emitted;

  HandlingContext(Envelope envelope, Outbox outbox, List<OutboxEvent> emitted) {
    this.envelope = envelope;
    this.outbox = outbox;
    this.emitted = emitted;
  }

  public Envelope envelope() {
    return envelope;
  }

  /** Emits an event in the handler's transaction, carrying this message's correlation id. */
  public void emit(PhotobombMessage event) {
    emitted.add(outbox.toEvent(event, envelope.correlationId(), envelope.id()));
  }
}
