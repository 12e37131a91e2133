package app.photobomb.ops.cli.follow;

import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.RejectedMessageException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the reply topics of one command and hands back the events of its conversation, each once. Started before
 * the command is published, at the topics' ends, so that it reads no history and misses no answer (replies matched
 * by key read their topic from the beginning); a reply topic that does not exist yet is looked for again every
 * second and read from its beginning once it appears.
 */
final class AnswerFollower implements AutoCloseable {

  private static final Duration TOPIC_LOOKUP_INTERVAL = Duration.ofSeconds(1);
  private static final Duration DRAIN_POLL = Duration.ofMillis(100);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Request request;
  private final String prefix;
  private final String correlationId;
  private final PayloadCodec codec;
  private final PrintWriter err;
  private final Set<String> missingTopics = new LinkedHashSet<>();
  private final Set<TopicPartition> assigned = new HashSet<>();
  // a relay may publish an event twice: each is shown once, by its ce_id
  private final Set<String> seen = new HashSet<>();
  private long nextLookup;

  AnswerFollower(Properties kafka, String prefix, Request request, String correlationId, PayloadCodec codec,
      PrintWriter err) {
    Properties config = new Properties();
    config.putAll(kafka);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // looking a reply topic up must not create it
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "photobomb-ops-cli-follower");
    // an unreachable cluster ends the command in seconds, not the client's minute
    config.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    this.consumer = new KafkaConsumer<>(config);
    this.request = request;
    this.prefix = prefix;
    this.correlationId = correlationId;
    this.codec = codec;
    this.err = err;
    request.replies().forEach(reply -> missingTopics.add(prefix + reply.type().topic()));
  }

  /** Takes the reply topics' current ends (and the key-matched ones' beginnings); call before publishing. */
  void start() {
    List<TopicPartition> found = lookUpMissingTopics();
    for (TopicPartition partition : found) {
      boolean byKey = request.replyOn(partition.topic(), prefix).orElseThrow().match() == Reply.Match.KEY;
      if (byKey) {
        consumer.seekToBeginning(List.of(partition));
      } else {
        consumer.seekToEnd(List.of(partition));
      }
      // resolve the position now: resolved lazily, after the publish, it would skip a quick answer
      consumer.position(partition);
    }
  }

  /** The conversation's events that arrived within the timeout, in order. */
  List<HeardEvent> poll(Duration timeout) {
    if (!missingTopics.isEmpty() && System.nanoTime() >= nextLookup) {
      List<TopicPartition> appeared = lookUpMissingTopics();
      if (!appeared.isEmpty()) {
        // a topic created after the follower started holds only what came after the command (and an empty list
        // would seek every assigned partition)
        consumer.seekToBeginning(appeared);
      }
    }
    if (assigned.isEmpty()) {
      sleep(timeout);
      return List.of();
    }
    List<HeardEvent> events = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
      Reply<?> reply = request.replyOn(record.topic(), prefix).orElse(null);
      String id = text(record.headers().lastHeader(CloudEventHeaders.ID));
      if (reply == null || !belongs(reply, record) || id != null && !seen.add(id)) {
        continue;
      }
      String json = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
      try {
        Answer answer = reply.read(codec.decode(reply.type(), record.value()));
        events.add(new HeardEvent(record.topic(), text(record.headers().lastHeader(CloudEventHeaders.TYPE)), id,
            text(record.headers().lastHeader(CloudEventHeaders.TIME)), json, answer));
      } catch (RejectedMessageException e) {
        err.println("skipped an unreadable " + reply.type().name() + " (" + id + "): " + e.getMessage());
      }
    }
    return events;
  }

  /**
   * What is still on the reply topics up to their current ends (at most {@code timeout}): once a terminal event is
   * read, the conversation's earlier events on other topics (a progress report, a saga's last step) may be unread.
   */
  List<HeardEvent> drain(Duration timeout) {
    List<TopicPartition> appeared = lookUpMissingTopics();
    if (!appeared.isEmpty()) {
      consumer.seekToBeginning(appeared);
    }
    Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
    long deadline = System.nanoTime() + timeout.toNanos();
    List<HeardEvent> events = new ArrayList<>();
    while (System.nanoTime() < deadline
        && ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
      events.addAll(poll(DRAIN_POLL));
    }
    return events;
  }

  private boolean belongs(Reply<?> reply, ConsumerRecord<String, byte[]> record) {
    return switch (reply.match()) {
      case CORRELATION -> correlationId.equals(text(record.headers().lastHeader(CloudEventHeaders.CORRELATION_ID)));
      case KEY -> request.key().equals(record.key());
    };
  }

  private List<TopicPartition> lookUpMissingTopics() {
    nextLookup = System.nanoTime() + TOPIC_LOOKUP_INTERVAL.toNanos();
    List<TopicPartition> found = new ArrayList<>();
    for (String topic : List.copyOf(missingTopics)) {
      var partitions = consumer.partitionsFor(topic);
      if (partitions != null && !partitions.isEmpty()) {
        missingTopics.remove(topic);
        partitions.forEach(info -> found.add(new TopicPartition(topic, info.partition())));
      }
    }
    if (!found.isEmpty()) {
      assigned.addAll(found);
      consumer.assign(assigned);
    }
    return found;
  }

  private static void sleep(Duration timeout) {
    try {
      Thread.sleep(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for answers", e);
    }
  }

  private static String text(Header header) {
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(2));
  }
}
