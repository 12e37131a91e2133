package app.photobomb.ops.cli.follow;

import java.time.Duration;
import java.util.Map;

/** How a conversation is shown: words and a progress bar for a person, JSON lines for a script. */
interface Display extends AutoCloseable {

  /** The command went out and the broker has it. */
  void published(Request request, String topic, Map<String, String> headers, String json);

  /** One event of the conversation, terminal or not. */
  void heard(HeardEvent event);

  /** {@code --no-wait}: nothing is followed. */
  void notFollowed(String correlationId);

  /** No terminal event came within the wait. */
  void timedOut(Duration wait, String correlationId);

  @Override
  void close();
}
