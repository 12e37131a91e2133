package app.photobomb.ops.cli.dlq;

import app.photobomb.ops.cli.Connection;
import app.photobomb.ops.cli.ExitCode;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/** {@code dlq list TOPIC}: every dead letter of the topic with the reason the messaging core gave. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"Lists the dead letters of TOPIC's DLQ (TOPIC.dlq): offset, ce_id, ce_type, why (x-dlq-reason, "
        + "x-dlq-detail, which consumer, after how many attempts) and when.",
        "Replaces reading the DLQ with kafka-console-consumer --property print.headers=true."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed (also when there are none)", "1:Kafka could not be read", "2:bad input"})
public final class DlqListCommand implements Callable<Integer> {

  @Mixin
  Connection connection;

  @Parameters(index = "0", paramLabel = "TOPIC", description = "the topic, e.g. user-export-requested (or its .dlq)")
  String topic;

  @Option(names = "--json", description = "one JSON line per dead letter, with its key and payload")
  boolean json;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    String dlq = DlqTopics.dlqOf(topic, connection.topicPrefix());
    List<DeadLetter> letters = DlqTopics.read(connection.kafka(), dlq);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonMapper mapper = JsonMapper.builder().build();
      letters.forEach(letter -> out.println(mapper.writeValueAsString(asMap(letter))));
    } else {
      out.printf("%d dead letter%s on %s%n", letters.size(), letters.size() == 1 ? "" : "s", dlq);
      for (DeadLetter letter : letters) {
        out.printf("%d@%d  %s  ce_id=%s  %s  %s (%s, %s attempts): %s%n", letter.partition(), letter.offset(),
            letter.time().truncatedTo(ChronoUnit.SECONDS), letter.ceId(), letter.ceType(), letter.reason(),
            letter.consumer(), letter.attempts(), oneLine(letter.detail()));
      }
    }
    out.flush();
    return ExitCode.COMPLETED;
  }

  static Map<String, Object> asMap(DeadLetter letter) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("topic", letter.dlqTopic());
    map.put("partition", letter.partition());
    map.put("offset", letter.offset());
    map.put("time", letter.time().toString());
    map.put("ce_id", letter.ceId());
    map.put("ce_type", letter.ceType());
    map.put("reason", letter.reason());
    map.put("detail", letter.detail());
    map.put("consumer", letter.consumer());
    map.put("attempts", letter.attempts());
    map.put("original_topic", letter.originalTopic());
    map.put("key", letter.keyText());
    map.put("payload", letter.payload() == null ? null
        : new String(letter.payload(), java.nio.charset.StandardCharsets.UTF_8));
    return map;
  }

  private static String oneLine(String text) {
    String line = text == null ? "" : text.replaceAll("\\s+", " ");
    return line.length() <= 200 ? line : line.substring(0, 200) + "...";
  }
}
