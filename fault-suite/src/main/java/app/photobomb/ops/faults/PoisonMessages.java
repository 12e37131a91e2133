package app.photobomb.ops.faults;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.DeadLetterHeaders;
import app.photobomb.ops.faults.Finding.Problem;
import app.photobomb.ops.testsupport.KafkaTestClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Malformed and schema-breaking records mixed into the command topics, each of a kind the consumers must dead-letter
 * at once with its reason, without holding up the commands around it. Each is keyed {@code poison-<uuid>}, which the
 * dead-letter record keeps, so that the checks find it there (exactly once, with the expected reason).
 */
final class PoisonMessages implements Fault {

  /** The key prefix of every poison record: the checks tell them from the load's commands by it. */
  static final String KEY_PREFIX = "poison-";
  private static final String API = "urn:photobomb:api";
  private static final List<MessageType<?>> TOPICS = List.of(MessageCatalog.USER_DELETION_REQUESTED,
      MessageCatalog.USER_EXPORT_REQUESTED, MessageCatalog.CACHE_PURGE_REQUESTED);

  /** One kind of poison and the dead-letter reason it must get. */
  private enum Kind {
    MALFORMED_JSON("malformed_json"), SCHEMA_VIOLATION("schema_violation"), WRONG_TYPE("wrong_type"),
    MISSING_HEADER("missing_header");

    private final String reason;

    Kind(String reason) {
      this.reason = reason;
    }
  }

  private record Poison(Kind kind, String topic, String key) {
  }

  private final String bootstrapServers;
  private final Random random;
  private final List<Poison> sent = new CopyOnWriteArrayList<>();

  PoisonMessages(String bootstrapServers, Random random) {
    this.bootstrapServers = bootstrapServers;
    this.random = random;
  }

  @Override
  public String name() {
    return "malformed and schema-breaking messages";
  }

  @Override
  public int injectionsPerRound(FaultSettings settings) {
    return settings.injections();
  }

  /** One record of every kind, each on a topic picked at random, between the commands of the wave. */
  @Override
  public void inject(int injection, Runnable whileBroken) throws InterruptedException {
    Waves.during(whileBroken, () -> {
      try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
        for (Kind kind : Kind.values()) {
          MessageType<?> type = TOPICS.get(random.nextInt(TOPICS.size()));
          Poison poison = new Poison(kind, type.topic(), KEY_PREFIX + UUID.randomUUID());
          send(kafka, poison, type);
          sent.add(poison);
        }
      }
    });
  }

  private static void send(KafkaTestClient kafka, Poison poison, MessageType<?> type) {
    String id = UUID.randomUUID().toString();
    MessageType<?> claimed = poison.kind() == Kind.WRONG_TYPE ? MessageCatalog.USER_DELETION_CANCELLED : type;
    Map<String, String> headers = new HashMap<>(CloudEventHeaders.forCommand(claimed, id, API, poison.key(),
        UUID.randomUUID().toString()));
    if (poison.kind() == Kind.MISSING_HEADER) {
      headers.remove(CloudEventHeaders.ID);
    }
    String body = switch (poison.kind()) {
      case MALFORMED_JSON -> "{\"userId\": \"" + UUID.randomUUID() + "\", ";
      case SCHEMA_VIOLATION -> "{\"userId\": 42, \"unexpected\": true}";
      case WRONG_TYPE -> "{\"userId\": \"" + UUID.randomUUID() + "\", \"requestedBy\": \"fault-suite\"}";
      case MISSING_HEADER -> "{\"userId\": \"" + UUID.randomUUID() + "\"}";
    };
    kafka.send(poison.topic(), poison.key(), headers, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Every poison sent is in its topic's dead-letter topic exactly once, with the reason of its kind. */
  @Override
  public List<Finding> check(String bootstrapServers) {
    Map<String, List<ConsumerRecord<String, byte[]>>> byKey = new HashMap<>();
    try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
      for (String topic : sent.stream().map(Poison::topic).distinct().toList()) {
        for (ConsumerRecord<String, byte[]> record : kafka.readAll(topic + ".dlq")) {
          byKey.computeIfAbsent(record.key(), key -> new ArrayList<>()).add(record);
        }
      }
    }
    List<Finding> findings = new ArrayList<>();
    for (Poison poison : sent) {
      List<ConsumerRecord<String, byte[]>> letters = byKey.getOrDefault(poison.key(), List.of());
      String what = "poison " + poison.kind() + " key=" + poison.key() + " on " + poison.topic();
      if (letters.isEmpty()) {
        findings.add(Finding.of(Problem.LOST, what, "not in " + poison.topic() + ".dlq"));
      } else if (letters.size() > 1) {
        findings.add(Finding.of(Problem.DUPLICATED, what, letters.size() + " dead letters"));
      } else {
        String reason = KafkaTestClient.header(letters.get(0), DeadLetterHeaders.REASON);
        if (!poison.kind().reason.equals(reason)) {
          findings.add(Finding.of(Problem.WRONG_STATE, what, "dead-lettered as " + reason + ", not "
              + poison.kind().reason));
        }
      }
    }
    return findings;
  }
}
