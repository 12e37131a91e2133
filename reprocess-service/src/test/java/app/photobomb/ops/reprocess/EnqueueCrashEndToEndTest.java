package app.photobomb.ops.reprocess;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.ReprocessBatch;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.testsupport.ServiceReplica;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An enqueuer stopped in the middle of a batch, and a new instance on the same database taking over: every photo is
 * queued once, and every job has its item on the queue.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(properties = {"spring.config.name=" + ReprocessServiceApplication.CONFIG_NAME,
    "photobomb.reprocess.queues=reprocess_thumbnails=" + EnqueueCrashEndToEndTest.QUEUE,
    // this context only handles commands and relays the outbox; its replicas enqueue
    "photobomb.reprocess.enqueue-interval=1h",
    "photobomb.reprocess.report-interval=200ms"})
class EnqueueCrashEndToEndTest {

  static final String QUEUE = "crash_batch_queue";
  private static final String DATABASE = "reprocess_crash";
  private static final int PHOTOS = 20_000;
  private static final int PAGE = 500;
  private static final Map<String, Object> ENQUEUER = Map.of("photobomb.reprocess.enqueue-interval", "100ms",
      "photobomb.reprocess.page-size", PAGE, "photobomb.reprocess.claim-lease", "2s");

  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  PayloadCodec codec;
  @Autowired
  StringRedisTemplate redis;
  @Autowired
  ConfigurableEnvironment environment;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, DATABASE, DatabaseRole.REPROCESS);
  }

  @Test
  void enqueuerStoppedMidBatchIsResumedByAnotherInstanceWithoutDuplicates() {
    try (KafkaTestClient kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers())) {
      ReprocessFixture fixture = new ReprocessFixture(jdbc, kafka, codec);
      UUID userId = fixture.user(null);
      fixture.photos(userId, PHOTOS, Instant.parse("2023-01-01T00:00:00Z"));
      UUID batchId = UUID.randomUUID();
      fixture.send(MessageCatalog.REPROCESS_BATCH, new ReprocessBatch(batchId, "reprocess_thumbnails", null,
          List.of(userId), null, null, "ops"));

      try (ServiceReplica first = ServiceReplica.start(ReprocessServiceApplication.application(), environment,
          ENQUEUER)) {
        Awaitility.await().atMost(ReprocessFixture.WAIT).pollInterval(Duration.ofMillis(20))
            .until(() -> jobCount(batchId) >= 4 * PAGE);
      }
      long before = jobCount(batchId);
      assertThat(jdbc.queryForObject("SELECT status FROM reprocess_batches WHERE batch_id = ?", String.class,
          batchId)).as("stopped mid-batch").isEqualTo("enqueuing");
      assertThat(before).isLessThan(PHOTOS);
      crashBeforeTheLastPush(batchId);

      try (ServiceReplica second = ServiceReplica.start(ReprocessServiceApplication.application(), environment,
          ENQUEUER)) {
        assertThat(fixture.await(MessageCatalog.REPROCESS_BATCH_ACCEPTED, batchId).jobCount()).isEqualTo(PHOTOS);
        double pages = second.bean(MeterRegistry.class).get("photobomb.reprocess.enqueue.pages").counter().count();
        assertThat(pages).as("only the pages after the stop, and the empty one that ends the batch")
            .isEqualTo((PHOTOS - before) / PAGE + 1);
      }
      Set<Long> jobs = fixture.jobIds(batchId);
      assertThat(jobs).hasSize(PHOTOS);
      assertThat(jdbc.queryForObject("SELECT count(DISTINCT photo_id) FROM processing_jobs WHERE batch_id = ?",
          Long.class, batchId)).isEqualTo(PHOTOS);
      assertThat(ReprocessFixture.distinctItemsOf(redis, QUEUE, jobs)).as("every job on the queue").isEqualTo(PHOTOS);
      assertThat(ReprocessFixture.itemsOf(redis, QUEUE, jobs)).as("each once").isEqualTo(PHOTOS);
    }
  }

  /**
   * Plays a stop between a page's commit and its Redis push: the last page's items leave the queue and the pushed
   * cursor goes back to the page before it.
   */
  private void crashBeforeTheLastPush(UUID batchId) {
    List<Map<String, Object>> lastPage = jdbc.queryForList("""
        SELECT j.job_id, j.photo_id FROM processing_jobs j JOIN reprocess_batches b ON b.batch_id = j.batch_id
        WHERE j.batch_id = ? AND j.photo_id <= b.inserted_through ORDER BY j.photo_id DESC LIMIT ?""",
        batchId, PAGE + 1);
    for (Map<String, Object> job : lastPage.subList(0, PAGE)) {
      redis.opsForList().remove(QUEUE, 0, job.get("job_id").toString());
    }
    jdbc.update("UPDATE reprocess_batches SET pushed_through = ? WHERE batch_id = ?",
        lastPage.size() > PAGE ? lastPage.get(PAGE).get("photo_id") : null, batchId);
  }

  private long jobCount(UUID batchId) {
    Long count = jdbc.queryForObject("SELECT job_count FROM reprocess_batches WHERE batch_id = ?", Long.class,
        batchId);
    return count == null ? 0 : count;
  }
}
