package app.photobomb.ops.localstack;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PhotobombMessage;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.RejectedMessageException;
import app.photobomb.ops.common.messaging.TopicNames;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code send <topic> <json>}: publishes one command to the running local stack as another system would,
 * with CloudEvents headers, after checking it against its schema.
 */
final class CommandSender {

  private CommandSender() {
  }

  static void main(String[] args) {
    quietLogs();
    PrintStream out = System.out;
    if (args.length != 3) {
      out.println("usage: java -jar local-stack/target/local-stack.jar send <topic> '<json>'");
      out.println("topics: " + String.join(", ", MessageCatalog.ALL.stream().map(MessageType::topic).toList()));
      System.exit(2);
    }
    MessageType<?> type = MessageCatalog.ALL.stream().filter(t -> t.topic().equals(args[1])).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown topic " + args[1]));
    byte[] payload = args[2].getBytes(StandardCharsets.UTF_8);
    PhotobombMessage message;
    try {
      message = new PayloadCodec().decode(type, payload);
    } catch (RejectedMessageException e) {
      out.println("not sent: " + e.getMessage());
      System.exit(1);
      return;
    }
    String id = UUID.randomUUID().toString();
    String bootstrapServers = bootstrapServers();
    send(bootstrapServers, type, message.key(), id, payload);
    out.println("sent " + type.name() + " to " + type.topic() + " key=" + message.key() + " ce_id=" + id
        + " correlation=" + id);
    Duration wait = Duration.parse("PT" + System.getenv().getOrDefault("PHOTOBOMB_SEND_WAIT_SECONDS", "30") + "S");
    out.println("answers (until a final one, or " + wait.toSeconds() + " s without an answer; PHOTOBOMB_SEND_WAIT_SECONDS):");
    List<CommandAnswers.Answer> answers = CommandAnswers.await(bootstrapServers, id, wait, answer -> {
      out.println("  " + answer.topic() + " " + answer.json());
      String url = urlOf(answer.json());
      if (url != null) {
        out.println("  download: curl -o export.zip '" + url + "'");
      }
    });
    if (answers.isEmpty()) {
      out.println("  none yet; the services keep working (see their logs)");
    }
    System.exit(0);
  }

  /** The command line prints answers; the Kafka clients' start-up logging would bury them. */
  private static void quietLogs() {
    if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  private static String urlOf(String json) {
    String url = new tools.jackson.databind.json.JsonMapper().readTree(json).path("url").asString(null);
    return url == null || url.isEmpty() ? null : url;
  }

  static void send(String bootstrapServers, MessageType<?> type, String key, String id, byte[] payload) {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
      ProducerRecord<String, byte[]> record = new ProducerRecord<>(new TopicNames("").of(type), key, payload);
      CloudEventHeaders.forCommand(type, id, "urn:photobomb-ops:local-stack-cli", key, id)
          .forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
      // Waits for the broker's acknowledgement: "sent" must mean sent.
      producer.send(record).get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("publishing to " + type.topic() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing", e);
    }
  }

  private static String bootstrapServers() {
    Path file = Path.of(System.getenv().getOrDefault("PHOTOBOMB_LOCAL_DIR", ".local"), "photobomb-local.properties");
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalStateException("no running local stack: cannot read " + file.toAbsolutePath(), e);
    }
    return properties.getProperty("kafka.bootstrap.servers");
  }
}
