package app.photobomb.ops.platform;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PlatformCommand;
import app.photobomb.ops.common.events.PlatformMessage;
import app.photobomb.ops.common.events.PlatformOperationProgressed;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.TestCommands;
import app.photobomb.ops.testsupport.KafkaTestClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/** Sends platform commands over Kafka and reads the events of one operation, for the sagas' end-to-end tests. */
public final class PlatformEvents implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private final KafkaTestClient kafka;
  private final String topicPrefix;
  private final PayloadCodec codec = new PayloadCodec();

  public PlatformEvents(String bootstrapServers) {
    this(bootstrapServers, "");
  }

  /** On the topics of a service running with {@code photobomb.messaging.topic-prefix} = {@code topicPrefix}. */
  public PlatformEvents(String bootstrapServers, String topicPrefix) {
    this.kafka = new KafkaTestClient(bootstrapServers);
    this.topicPrefix = topicPrefix;
  }

  public <C extends PlatformCommand> void send(MessageType<C> type, C command) {
    kafka.send(topicPrefix + type.topic(), command.key(), TestCommands.headers(type, UUID.randomUUID().toString(), command.key(),
        null, "urn:photobomb-ops:cli"), codec.encode(command).getBytes(StandardCharsets.UTF_8));
  }

  /** The operation's first event of this type that matches. */
  public <T extends PlatformMessage> T await(MessageType<T> type, UUID operationId, Predicate<T> match) {
    String key = operationId.toString();
    return codec.decode(type, kafka.await(topicPrefix + type.topic(),
        r -> key.equals(r.key()) && match.test(codec.decode(type, r.value())), WAIT).value());
  }

  public <T extends PlatformMessage> T await(MessageType<T> type, UUID operationId) {
    return await(type, operationId, event -> true);
  }

  /** Waits until the step is reported with this status ({@code done} or {@code compensated}). */
  public PlatformOperationProgressed awaitStep(UUID operationId, String step, String status) {
    return await(MessageCatalog.PLATFORM_OPERATION_PROGRESSED, operationId,
        progressed -> progressed.step().equals(step) && progressed.status().equals(status));
  }

  /** Every event of this type about the operation so far. */
  public <T extends PlatformMessage> List<T> all(MessageType<T> type, UUID operationId) {
    String key = operationId.toString();
    return kafka.readAll(topicPrefix + type.topic()).stream().filter(r -> key.equals(r.key()))
        .map(r -> codec.decode(type, r.value())).toList();
  }

  @Override
  public void close() {
    kafka.close();
  }
}
