package app.photobomb.ops.faults;

import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.DeadLetterHeaders;
import app.photobomb.ops.testsupport.KafkaTestClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The events on the topics that end commands, read from the beginning, as any consumer would see them: a record
 * delivered twice (the relay republishes after a crash, by design) is one event, since it keeps its ce_id. The
 * commands' dead-letter topics are read too, so that a command that ended there shows with its reason.
 */
final class EventLog {

  private final Map<String, List<ObservedEvent>> byCorrelation;
  private final List<ObservedEvent> all;
  private final List<ObservedEvent> deadLetters;

  private EventLog(List<ObservedEvent> all, List<ObservedEvent> deadLetters) {
    this.all = all;
    this.deadLetters = deadLetters;
    this.byCorrelation = all.stream().collect(Collectors.groupingBy(ObservedEvent::correlationId,
        LinkedHashMap::new, Collectors.toList()));
  }

  /** A log of events already read: for the checks' own tests. */
  static EventLog of(List<ObservedEvent> events, List<ObservedEvent> deadLetters) {
    return new EventLog(events, deadLetters);
  }

  static EventLog read(String bootstrapServers, Collection<String> topics, Collection<String> deadLetterTopics) {
    Map<String, ObservedEvent> distinct = new LinkedHashMap<>();
    List<ObservedEvent> letters = new ArrayList<>();
    try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
      for (String topic : topics) {
        for (ConsumerRecord<String, byte[]> record : kafka.readAll(topic)) {
          add(distinct, topic, record, KafkaTestClient.text(record));
        }
      }
      for (String topic : deadLetterTopics) {
        for (ConsumerRecord<String, byte[]> record : kafka.readAll(topic)) {
          ObservedEvent letter = event(topic, record, "[" + KafkaTestClient.header(record, DeadLetterHeaders.REASON)
              + ": " + KafkaTestClient.header(record, DeadLetterHeaders.DETAIL) + "] " + KafkaTestClient.text(record));
          letters.add(letter);
          if (letter.ceId() != null) {
            distinct.putIfAbsent(topic + "/" + letter.ceId(), letter);
          }
        }
      }
    }
    return new EventLog(new ArrayList<>(distinct.values()), letters);
  }

  private static void add(Map<String, ObservedEvent> distinct, String topic, ConsumerRecord<String, byte[]> record,
      String payload) {
    ObservedEvent event = event(topic, record, payload);
    distinct.putIfAbsent(topic + "/" + event.ceId(), event);
  }

  private static ObservedEvent event(String topic, ConsumerRecord<String, byte[]> record, String payload) {
    return new ObservedEvent(topic, KafkaTestClient.header(record, CloudEventHeaders.ID),
        String.valueOf(KafkaTestClient.header(record, CloudEventHeaders.CORRELATION_ID)), record.key(), payload);
  }

  /** Every record of the dead-letter topics, as they are (a letter without a ce_id too). */
  List<ObservedEvent> deadLetters() {
    return List.copyOf(deadLetters);
  }

  /** The events that carry the command's correlation id, in topic order. */
  List<ObservedEvent> of(SentCommand command) {
    return byCorrelation.getOrDefault(command.correlationId(), List.of());
  }

  /** The events among them that end it. */
  List<ObservedEvent> terminal(SentCommand command) {
    List<String> topics = command.kind().terminal().stream().map(type -> type.topic()).toList();
    return of(command).stream().filter(event -> topics.contains(event.topic())).toList();
  }

  /** Every event on a topic keyed by one account, whatever its correlation. */
  List<ObservedEvent> about(String topic, String key) {
    return all.stream().filter(e -> e.topic().equals(topic) && key.equals(e.key())).toList();
  }
}
