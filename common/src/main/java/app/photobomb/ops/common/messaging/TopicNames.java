package app.photobomb.ops.common.messaging;

import app.photobomb.ops.common.events.MessageType;

/** Topic names as deployed: the catalogue's names behind an optional prefix for shared clusters. */
public record TopicNames(String prefix) {

  public TopicNames {
    prefix = prefix == null ? "" : prefix;
  }

  public String of(MessageType<?> type) {
    return prefix + type.topic();
  }

  public static String deadLetterOf(String topic) {
    return topic + ".dlq";
  }
}
