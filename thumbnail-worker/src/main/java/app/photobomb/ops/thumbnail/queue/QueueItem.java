package app.photobomb.ops.thumbnail.queue;

/** An item a worker moved to its processing list: the queue it came from and its text (a job id). */
public record QueueItem(String queue, String value) {
}
