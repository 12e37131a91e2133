package app.photobomb.ops.common.events;

/** Messages about work-queue depth; keyed by queue name. */
public sealed interface QueueMessage extends PhotobombMessage
    permits QueueBacklogDetected, QueueBacklogCleared, QueueBacklogUnresolved {

  String queue();

  @Override
  default String key() {
    return queue();
  }
}
