package app.photobomb.ops.relay;

import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a topic (with the broker's default partitions and replication) before the relay first sends to it. Left
 * to the broker's auto-creation, the first send races the new partition's leader: Kafka answers NOT_LEADER, then
 * OUT_OF_ORDER_SEQUENCE_NUMBER to the idempotent producer's retries, and the batch hangs until its delivery
 * timeout. Where topics are provisioned elsewhere and the relay may not create them, it uses them as they are.
 */
final class RelayTopics implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RelayTopics.class);
  private static final long CREATE_TIMEOUT_SECONDS = 30;

  private final Admin admin;
  private final Set<String> known = ConcurrentHashMap.newKeySet();

  RelayTopics(String bootstrapServers) {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "photobomb-outbox-relay-topics");
    this.admin = Admin.create(config);
  }

  /** Returns once {@code topic} exists, or once it is clear that the relay may not or cannot create it. */
  void ensure(String topic) throws InterruptedException {
    if (known.contains(topic)) {
      return;
    }
    try {
      admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty()))).all()
          .get(CREATE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      log.info("created topic {}", topic);
      known.add(topic);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        known.add(topic);
      } else if (e.getCause() instanceof TopicAuthorizationException
          || e.getCause() instanceof ClusterAuthorizationException) {
        log.info("may not create topic {}; sending to it as provisioned", topic);
        known.add(topic);
      } else {
        log.warn("could not create topic {}; the send will tell: {}", topic, e.getCause().toString());
      }
    } catch (TimeoutException e) {
      log.warn("creating topic {} took over {} s; the send will tell", topic, CREATE_TIMEOUT_SECONDS);
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
