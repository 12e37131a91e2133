package app.photobomb.ops.cli.dlq;

import app.photobomb.ops.cli.Connection;
import app.photobomb.ops.cli.ExitCode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code dlq replay TOPIC [--id CE_ID ...]}: publishes dead letters to their original topic again, unchanged (key,
 * payload, CloudEvents headers with the same ce_id, so the inbox still deduplicates one already handled), each
 * replay audited in {@code dead_letter_replays}.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Re-publishes TOPIC's dead letters to TOPIC once their cause is fixed: the same key, payload and "
        + "CloudEvents headers (same ce_id: a message a service already handled is deduplicated by its inbox), "
        + "without the x-dlq-* headers. Each replay is recorded in the ops table dead_letter_replays (who, when, "
        + "topic, ce_id, DLQ offset); a dead letter already replayed is not replayed again unless --again.",
        "Replaces the runbook's kafka-console-consumer | kafka-console-producer by hand."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:replayed (skipping those replayed before when replaying all)", "1:Kafka or the database failed",
        "2:bad input, nothing replayed: unknown or already replayed --id, or all without --confirm"})
public final class DlqReplayCommand implements Callable<Integer> {

  @Mixin
  Connection connection;

  @Parameters(index = "0", paramLabel = "TOPIC", description = "the topic, e.g. user-export-requested (or its .dlq)")
  String topic;

  @Option(names = "--id", paramLabel = "CE_ID", split = ",", description = "the dead letters to replay (default: all)")
  List<String> ids = new ArrayList<>();

  @Option(names = "--confirm", description = "replay every dead letter of the topic (required without --id)")
  boolean confirm;

  @Option(names = "--again", description = "replay dead letters that were replayed before, too")
  boolean again;

  @Option(names = "--operator", description = "who replays, for the audit (default: $USER)")
  String operator;

  @Option(names = "--json", description = "one JSON line per replayed dead letter")
  boolean json;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String dlq = DlqTopics.dlqOf(topic, connection.topicPrefix());
    if (ids.isEmpty() && !confirm) {
      throw new ExitCode.BadInputException("replaying every dead letter of " + dlq + " needs --confirm "
          + "(or name them: --id CE_ID; photobomb-ops dlq list " + topic + " shows them)");
    }
    Properties kafka = connection.kafka();
    List<DeadLetter> letters = select(DlqTopics.read(kafka, dlq));
    String who = operator();
    PrintWriter out = spec.commandLine().getOut();
    try (ReplayAudit audit = new ReplayAudit(connection.jdbcUrl(), connection.jdbcUser(), connection.jdbcPassword());
        KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      if (!ids.isEmpty() && !again) {
        refuseReplayed(audit, letters);
      }
      int skipped = 0;
      for (DeadLetter letter : letters) {
        Optional<RecordMetadata> sent = audit.replay(letter, who, again, l -> producer.send(new ProducerRecord<>(
            l.originalTopic(), null, l.key(), l.payload(), l.originalHeaders())).get(30, TimeUnit.SECONDS));
        if (sent.isEmpty()) {
          skipped++;
        } else if (json) {
          Map<String, Object> line = new LinkedHashMap<>(DlqListCommand.asMap(letter));
          line.put("replayed_to", sent.get().topic() + "-" + sent.get().partition() + "@" + sent.get().offset());
          line.put("operator", who);
          out.println(JsonMapper.builder().build().writeValueAsString(line));
        } else {
          out.printf("replayed ce_id=%s (%s %d@%d) to %s-%d@%d%n", letter.ceId(), dlq, letter.partition(),
              letter.offset(), sent.get().topic(), sent.get().partition(), sent.get().offset());
        }
      }
      if (!json) {
        out.printf("%d replayed%s%n", letters.size() - skipped,
            skipped == 0 ? "" : ", " + skipped + " skipped: replayed before (--again replays them too)");
      }
    }
    out.flush();
    return ExitCode.COMPLETED;
  }

  /** The letters asked for, the latest of each ce_id (a failing replay is dead-lettered again under the same ce_id). */
  private List<DeadLetter> select(List<DeadLetter> all) {
    Map<String, DeadLetter> latest = new LinkedHashMap<>();
    for (DeadLetter letter : all) {
      String identity = letter.ceId() != null ? letter.ceId() : letter.partition() + "@" + letter.offset();
      latest.remove(identity);
      latest.put(identity, letter);
    }
    if (ids.isEmpty()) {
      return List.copyOf(latest.values());
    }
    Set<String> unknown = new LinkedHashSet<>(ids);
    unknown.removeAll(latest.keySet());
    if (!unknown.isEmpty()) {
      throw new ExitCode.BadInputException("no dead letter with ce_id " + String.join(", ", unknown) + " on "
          + DlqTopics.dlqOf(topic, connection.topicPrefix()) + "; nothing replayed");
    }
    return latest.values().stream().filter(letter -> ids.contains(letter.ceId())).toList();
  }

  private static void refuseReplayed(ReplayAudit audit, List<DeadLetter> letters) throws Exception {
    List<String> replayed = new ArrayList<>();
    for (DeadLetter letter : letters) {
      audit.last(letter).ifPresent(replay -> replayed.add(letter.ceId() + " (by " + replay.operator() + " at "
          + replay.at() + ")"));
    }
    if (!replayed.isEmpty()) {
      throw new ExitCode.BadInputException("already replayed: " + String.join(", ", replayed)
          + "; nothing replayed (--again replays them once more)");
    }
  }

  private String operator() {
    if (operator != null && !operator.isBlank()) {
      return operator;
    }
    String user = System.getenv("USER");
    return user != null && !user.isBlank() ? user : System.getProperty("user.name");
  }

  private static KafkaProducer<byte[], byte[]> producer(Properties kafka) {
    Properties config = new Properties();
    config.putAll(kafka);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(config);
  }
}
