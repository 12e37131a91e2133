package app.photobomb.ops.cli.status;

import app.photobomb.ops.common.messaging.TopicNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer lag per group (its committed offsets against the partitions' end offsets) and the depth of each
 * dead-letter topic ({@code <topic>.dlq}, as DeadLetterPublisher names them: end minus earliest offset).
 */
final class KafkaStatus {

  private static final String DLQ_SUFFIX = TopicNames.deadLetterOf("");

  private final Properties config;
  private final String topicPrefix;
  private final long timeoutSeconds;

  KafkaStatus(Properties kafka, String topicPrefix, long timeoutSeconds) {
    this.config = new Properties();
    config.putAll(kafka);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeoutSeconds * 1000));
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeoutSeconds * 1000));
    this.topicPrefix = topicPrefix;
    this.timeoutSeconds = timeoutSeconds;
  }

  List<StatusRow> rows() {
    try (Admin admin = Admin.create(config)) {
      List<StatusRow> rows = new ArrayList<>(lag(admin));
      rows.addAll(deadLetters(admin));
      return rows;
    } catch (Exception e) {
      return List.of(StatusRow.unreachable("kafka", config.getProperty("bootstrap.servers"), e));
    }
  }

  private List<StatusRow> lag(Admin admin) throws Exception {
    Set<String> groups = new TreeSet<>(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all()
        .get(timeoutSeconds, TimeUnit.SECONDS).stream().map(GroupListing::groupId).toList());
    if (groups.isEmpty()) {
      return List.of();
    }
    Map<String, ListConsumerGroupOffsetsSpec> specs = groups.stream()
        .collect(Collectors.toMap(Function.identity(), group -> new ListConsumerGroupOffsetsSpec()));
    Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = admin.listConsumerGroupOffsets(specs).all()
        .get(timeoutSeconds, TimeUnit.SECONDS);
    Set<TopicPartition> partitions = new HashSet<>();
    committed.values().forEach(offsets -> partitions.addAll(offsets.keySet()));
    Map<TopicPartition, Long> ends = offsets(admin, partitions, OffsetSpec.latest());
    List<StatusRow> rows = new ArrayList<>();
    for (String group : groups) {
      Map<TopicPartition, OffsetAndMetadata> offsets = committed.getOrDefault(group, Map.of());
      Map<String, Long> byTopic = new TreeMap<>();
      offsets.forEach((partition, offset) -> {
        if (offset != null) {
          byTopic.merge(partition.topic(), Math.max(0, ends.getOrDefault(partition, 0L) - offset.offset()), Long::sum);
        }
      });
      if (byTopic.isEmpty()) {
        continue;
      }
      long total = byTopic.values().stream().mapToLong(Long::longValue).sum();
      String detail = byTopic.entrySet().stream().filter(e -> e.getValue() > 0)
          .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
      rows.add(StatusRow.ok("lag", group, Long.toString(total), detail));
    }
    return rows;
  }

  private List<StatusRow> deadLetters(Admin admin) throws Exception {
    List<String> topics = admin.listTopics().names().get(timeoutSeconds, TimeUnit.SECONDS).stream()
        .filter(name -> name.startsWith(topicPrefix) && name.endsWith(DLQ_SUFFIX)).sorted().toList();
    if (topics.isEmpty()) {
      return List.of();
    }
    Set<TopicPartition> partitions = new HashSet<>();
    for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(timeoutSeconds, TimeUnit.SECONDS)
        .values()) {
      topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
    }
    Map<TopicPartition, Long> earliest = offsets(admin, partitions, OffsetSpec.earliest());
    Map<TopicPartition, Long> latest = offsets(admin, partitions, OffsetSpec.latest());
    Map<String, Long> depth = new TreeMap<>();
    topics.forEach(topic -> depth.put(topic, 0L));
    partitions.forEach(p -> depth.merge(p.topic(), latest.get(p) - earliest.get(p), Long::sum));
    List<StatusRow> rows = new ArrayList<>();
    depth.forEach((topic, count) -> rows.add(StatusRow.ok("dlq", topic, Long.toString(count),
        count > 0 ? "photobomb-ops dlq list " + topic.substring(topicPrefix.length(),
            topic.length() - DLQ_SUFFIX.length()) : "")));
    return rows;
  }

  private Map<TopicPartition, Long> offsets(Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec)
      throws Exception {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(p -> request.put(p, spec));
    Map<TopicPartition, Long> offsets = new HashMap<>();
    admin.listOffsets(request).all().get(timeoutSeconds, TimeUnit.SECONDS)
        .forEach((partition, info) -> offsets.put(partition, info.offset()));
    return offsets;
  }
}
