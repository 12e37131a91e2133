package app.photobomb.ops.faults;

import app.photobomb.ops.testsupport.KafkaTestClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole command topics replayed from the start, as a producer retrying without idempotence or an operator
 * re-running a publish job does: every record of the load's command topics published again with its key, headers
 * (the same ce_id) and payload. The inboxes must turn every one of them into nothing.
 */
final class CommandReplay implements Fault {

  private static final Logger log = LoggerFactory.getLogger(CommandReplay.class);

  private final String bootstrapServers;
  private final List<String> topics;

  CommandReplay(String bootstrapServers, List<String> topics) {
    this.bootstrapServers = bootstrapServers;
    this.topics = topics;
  }

  @Override
  public String name() {
    return "command topics replayed from the start";
  }

  @Override
  public int injectionsPerRound(FaultSettings settings) {
    return settings.injections();
  }

  @Override
  public void inject(int injection, Runnable whileBroken) throws InterruptedException {
    Waves.during(whileBroken, () -> {
      try (KafkaTestClient kafka = new KafkaTestClient(bootstrapServers)) {
        for (String topic : topics) {
          List<ConsumerRecord<String, byte[]>> records = kafka.readAll(topic);
          records.forEach(record -> kafka.send(topic, record.key(), headers(record), record.value()));
          log.info("replayed {} record(s) of {} from the start", records.size(), topic);
        }
      }
    });
  }

  private static Map<String, String> headers(ConsumerRecord<String, byte[]> record) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header header : record.headers()) {
      headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    return headers;
  }
}
