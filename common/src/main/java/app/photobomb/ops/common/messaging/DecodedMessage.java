package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.PhotobombMessage;

/** A record that passed header, JSON and schema checks, with its typed payload. */
public record DecodedMessage<T extends PhotobombMessage>(InboundMessage raw, Envelope envelope, T payload) {
}
