package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code photobomb.activity} log: one INFO line per message a service handled and per event it emitted, after
 * the transaction committed, naming types and shortened aggregate keys but never payloads (they may carry e-mails
 * or signed links). The local stack shows it on its terminal; a deployment may route it anywhere, or turn it off.
 */
final class Activity {

  static final Logger log = LoggerFactory.getLogger("photobomb.activity");

  private Activity() {
  }

  /** E.g. {@code UserDeletionScheduled 2ea7c1d0…}. */
  static String describe(OutboxEvent event) {
    String name = MessageCatalog.ALL.stream().filter(type -> type.ceType().equals(event.type()))
        .map(MessageType::name).findFirst().orElse(event.type());
    return name + " " + shortKey(event.aggregateId());
  }

  /** The first eight characters of a UUID key, enough to tell the demo's aggregates apart. */
  static String shortKey(String key) {
    return key != null && key.length() == 36 && key.charAt(8) == '-' ? key.substring(0, 8) + "…" : String.valueOf(key);
  }
}
