package app.photobomb.ops.reprocess;

import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PhotobombMessage;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.TestCommands;
import app.photobomb.ops.testsupport.KafkaTestClient;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the reprocess tests do as the photobomb API, an operator and a worker: seed photos, send, await, count. */
final class ReprocessFixture {

  static final Duration WAIT = Duration.ofSeconds(90);

  private final JdbcTemplate jdbc;
  private final KafkaTestClient kafka;
  private final PayloadCodec codec;

  ReprocessFixture(JdbcTemplate jdbc, KafkaTestClient kafka, PayloadCodec codec) {
    this.jdbc = jdbc;
    this.kafka = kafka;
    this.codec = codec;
  }

  UUID user(Instant deletedAt) {
    UUID userId = UUID.randomUUID();
    jdbc.update("INSERT INTO users (user_id, email, deleted_at) VALUES (?, ?, ?)", userId, userId + "@example.com",
        deletedAt == null ? null : Timestamp.from(deletedAt));
    return userId;
  }

  /** Inserts {@code count} photos of the user in one statement, processed at the given instant. */
  List<UUID> photos(UUID userId, int count, Instant processedAt) {
    return jdbc.queryForList("""
        INSERT INTO photos (photo_id, user_id, upload_id, original_filename, content_type, processed_at)
        SELECT gen_random_uuid(), ?, gen_random_uuid(), 'photo-' || g || '.jpg', 'image/jpeg', ?
        FROM generate_series(1, ?) g RETURNING photo_id""", UUID.class, userId,
        processedAt == null ? null : Timestamp.from(processedAt), count);
  }

  /** Publishes a command as the API would, with a fresh ce_id; returns that id. */
  String send(MessageType<?> type, PhotobombMessage command) {
    String id = UUID.randomUUID().toString();
    kafka.send(type.topic(), command.key(), TestCommands.headers(type, id, command.key(), null),
        codec.encode(command).getBytes(StandardCharsets.UTF_8));
    return id;
  }

  <T extends PhotobombMessage> T await(MessageType<T> type, UUID batchId) {
    ConsumerRecord<String, byte[]> record = kafka.await(type.topic(), r -> batchId.toString().equals(r.key()), WAIT);
    return codec.decode(type, record.value());
  }

  /** Every event of the type on its topic now whose key is {@code key}. */
  <T extends PhotobombMessage> List<T> all(MessageType<T> type, String key) {
    return kafka.readAll(type.topic()).stream().filter(r -> key.equals(r.key()))
        .map(r -> codec.decode(type, r.value())).toList();
  }

  long jobs(UUID batchId) {
    return jdbc.queryForObject("SELECT count(*) FROM processing_jobs WHERE batch_id = ?", Long.class, batchId);
  }

  Set<Long> jobIds(UUID batchId) {
    return new HashSet<>(jdbc.queryForList("SELECT job_id FROM processing_jobs WHERE batch_id = ?", Long.class,
        batchId));
  }

  /** How many items on the Redis list name one of the jobs. */
  static long itemsOf(StringRedisTemplate redis, String queue, Set<Long> jobIds) {
    List<String> items = redis.opsForList().range(queue, 0, -1);
    return items == null ? 0 : items.stream().filter(item -> jobIds.contains(Long.valueOf(item))).count();
  }

  static long distinctItemsOf(StringRedisTemplate redis, String queue, Set<Long> jobIds) {
    List<String> items = redis.opsForList().range(queue, 0, -1);
    return items == null ? 0
        : items.stream().map(Long::valueOf).filter(jobIds::contains).distinct().count();
  }
}
