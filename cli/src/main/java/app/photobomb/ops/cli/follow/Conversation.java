package app.photobomb.ops.cli.follow;

import app.photobomb.ops.cli.Connection;
import app.photobomb.ops.cli.ExitCode;
import app.photobomb.ops.cli.follow.Answer.Outcome;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.RejectedMessageException;
import app.photobomb.ops.common.messaging.TopicNames;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * What every task does with its command: checks it against its schema (refused: exit 2, nothing published),
 * publishes it with a fresh ce_id that is also its correlation id, waits for the broker's acknowledgement, then
 * follows that correlation id to a terminal event and turns it into an exit code ({@link ExitCode}).
 */
public final class Conversation {

  // a failure event written in the same transaction as a completion travels on another topic: it may come second
  private static final Duration FAILURE_GRACE = Duration.ofSeconds(3);
  // every task has its own default (WaitDefaults); this one is for a task that forgot to name one
  private static final Duration DEFAULT_WAIT = Duration.ofMinutes(30);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration DRAIN = Duration.ofSeconds(2);

  private final PayloadCodec codec = new PayloadCodec();
  private final Connection connection;
  private final FollowOptions options;
  private final PrintWriter out;
  private final PrintWriter err;

  public Conversation(Connection connection, FollowOptions options, PrintWriter out, PrintWriter err) {
    this.connection = connection;
    this.options = options;
    this.out = out;
    this.err = err;
  }

  /** Publishes the request, follows it, and returns the exit code. */
  public int run(Request request) {
    String json = codec.encode(request.payload());
    byte[] payload = json.getBytes(StandardCharsets.UTF_8);
    try {
      codec.decode(request.type(), payload);
    } catch (RejectedMessageException e) {
      throw new ExitCode.BadInputException(e.getMessage());
    }
    Properties kafka = connection.kafka();
    String prefix = connection.topicPrefix();
    String topic = new TopicNames(prefix).of(request.type());
    String id = UUID.randomUUID().toString();
    CommandPublisher publisher = new CommandPublisher(kafka);
    try (Display display = options.json ? new JsonDisplay(out, err, codec)
        : new TextDisplay(out, err, System.console() != null)) {
      if (options.noWait) {
        display.published(request, topic, publisher.publish(topic, request.type(), request.key(), id, payload), json);
        display.notFollowed(id);
        return ExitCode.COMPLETED;
      }
      try (AnswerFollower follower = new AnswerFollower(kafka, prefix, request, id, codec, err)) {
        follower.start();
        Map<String, String> headers = publisher.publish(topic, request.type(), request.key(), id, payload);
        display.published(request, topic, headers, json);
        return follow(follower, display, options.waitOr(DEFAULT_WAIT), id);
      }
    }
  }

  private int follow(AnswerFollower follower, Display display, Duration wait, String id) {
    long deadline = System.nanoTime() + wait.toNanos();
    boolean completed = false;
    while (System.nanoTime() < deadline) {
      List<HeardEvent> heard = follower.poll(POLL);
      for (int i = 0; i < heard.size(); i++) {
        HeardEvent event = heard.get(i);
        Outcome outcome = event.answer().outcome();
        if (outcome == Outcome.COMPLETED || outcome == Outcome.FAILED) {
          // what the conversation said before its end, on the other reply topics, is shown before the end
          heard.subList(i + 1, heard.size()).forEach(display::heard);
          follower.drain(DRAIN).forEach(display::heard);
          display.heard(event);
          return outcome == Outcome.COMPLETED ? ExitCode.COMPLETED : ExitCode.FAILED;
        }
        display.heard(event);
        if (outcome == Outcome.COMPLETED_UNLESS_FAILURE_FOLLOWS) {
          completed = true;
          deadline = Math.min(deadline, System.nanoTime() + FAILURE_GRACE.toNanos());
        }
      }
    }
    if (completed) {
      return ExitCode.COMPLETED;
    }
    display.timedOut(wait, id);
    return ExitCode.TIMED_OUT;
  }
}
