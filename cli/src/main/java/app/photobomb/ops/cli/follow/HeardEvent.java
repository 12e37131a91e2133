package app.photobomb.ops.cli.follow;

/** One event of a command's conversation as it came off Kafka, with what it means for the command. */
public record HeardEvent(String topic, String type, String id, String time, String json, Answer answer) {
}
