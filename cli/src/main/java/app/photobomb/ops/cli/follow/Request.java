package app.photobomb.ops.cli.follow;

import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PhotobombMessage;
import java.util.List;
import java.util.Optional;

/** A command to publish and the replies that answer it; the terminal ones end the conversation. */
public record Request(MessageType<?> type, PhotobombMessage payload, List<Reply<?>> replies) {

  public Request {
    if (!type.payloadType().isInstance(payload)) {
      throw new IllegalArgumentException(payload.getClass().getSimpleName() + " is not a " + type.name());
    }
    replies = List.copyOf(replies);
  }

  public static Request of(MessageType<?> type, PhotobombMessage payload, Reply<?>... replies) {
    return new Request(type, payload, List.of(replies));
  }

  public String key() {
    return payload.key();
  }

  public Optional<Reply<?>> replyOn(String topic, String prefix) {
    return replies.stream().filter(reply -> (prefix + reply.type().topic()).equals(topic)).findFirst();
  }
}
