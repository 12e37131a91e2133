package app.photobomb.ops.faults;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

/**
 * The end of a fault's recovery, seen from Kafka: every consumer group that reads the load's command topics has
 * committed (handled, with its effects) every record that was on them when the fault was repaired.
 */
final class CatchUp {

  private CatchUp() {
  }

  /** Waits until the groups have caught up with the topics' ends as they are now; fails after {@code atMost}. */
  static void await(String bootstrapServers, Collection<String> topics, Duration atMost) {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(config)) {
      Map<TopicPartition, Long> ends = Awaitility.await("the command topics' ends").atMost(atMost)
          .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> ends(admin, topics), e -> true);
      Awaitility.await("every consumer group of " + topics + " at " + ends).atMost(atMost)
          .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> caughtUp(admin, ends));
    }
  }

  private static Map<TopicPartition, Long> ends(Admin admin, Collection<String> topics)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get().values()) {
      topic.partitions().forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
    return ends;
  }

  /**
   * True when each group that committed anything on one of the topics has committed every partition of that topic
   * up to its end (a group that never read a topic is not one of its consumers).
   */
  private static boolean caughtUp(Admin admin, Map<TopicPartition, Long> ends)
      throws InterruptedException, ExecutionException {
    for (ConsumerGroupListing group : admin.listConsumerGroups().all().get()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata().get();
      List<String> readTopics = committed.keySet().stream().map(TopicPartition::topic).distinct().toList();
      for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
        if (!readTopics.contains(end.getKey().topic()) || end.getValue() == 0) {
          continue;
        }
        OffsetAndMetadata offset = committed.get(end.getKey());
        if (offset == null || offset.offset() < end.getValue()) {
          return false;
        }
      }
    }
    return true;
  }
}
