package app.photobomb.ops.thumbnail;

import static app.photobomb.ops.thumbnail.WorkerFixtures.ORIGINALS;
import static app.photobomb.ops.thumbnail.WorkerFixtures.THUMBNAILS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.storage.b2.FakeB2Server;
import app.photobomb.ops.storage.config.ObjectStorageAutoConfiguration;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.thumbnail.queue.JobQueues;
import app.photobomb.ops.thumbnail.worker.JobWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Resizing the worker (what the local stack does when its deployment's replicas change): added slots take jobs at
 * once, removed slots finish the job in hand and take no other, and the queued jobs are all done, each once.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(properties = {"spring.config.name=" + ThumbnailWorkerApplication.CONFIG_NAME,
    "photobomb.worker.queues=resize_high,resize_batch", "photobomb.worker.migration-target=none",
    "photobomb.worker.concurrency=1"})
class WorkerResizeTest {

  private static final String DATABASE = "thumbnail_resize";
  private static final String HIGH = "resize_high";
  private static final String BATCH = "resize_batch";
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir
  static Path objects;
  private static FakeB2Server b2;

  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  @Qualifier(ObjectStorageAutoConfiguration.ORIGINALS)
  ObjectStore store;
  @Autowired
  StringRedisTemplate redis;
  @Autowired
  JobWorker worker;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) throws IOException {
    RealServers.register(registry, DATABASE, DatabaseRole.THUMBNAIL);
    b2 = new FakeB2Server(Files.createDirectories(objects.resolve("b2"))).start();
    b2.createBucket(ORIGINALS);
    b2.createBucket(THUMBNAILS);
    b2.originalsStoreSettings(2).forEach((key, value) -> registry.add(key, () -> value));
  }

  @AfterAll
  static void stopB2() {
    b2.close();
  }

  @Test
  void growingThenShrinkingTheSlotsWhileJobsAreQueuedLosesNoJobAndFinishesEachOnce() {
    WorkerFixtures fixtures = new WorkerFixtures(jdbc, store);
    UUID userId = fixtures.user();
    List<Long> jobs = new ArrayList<>();
    for (int n = 0; n < 24; n++) {
      jobs.add(fixtures.job("reprocess_thumbnails", fixtures.photo(userId, WorkerFixtures.jpeg(40 + n, 1600, 1200)),
          BATCH, 3));
    }
    List<String> first = jobs.subList(0, 8).stream().map(String::valueOf).toList();
    List<String> rest = jobs.subList(8, jobs.size()).stream().map(String::valueOf).toList();
    redis.opsForList().rightPushAll(BATCH, first);

    assertThat(worker.resize(4)).as("slots before").isEqualTo(1);
    List<String> grown = worker.workerIds();
    assertThat(grown).hasSize(4);
    // The first slot may sit out the 8 jobs: it can be in its 1 s wait on the empty high queue while the added slots
    // empty the batch queue (a clean-clone CI run saw it), so only the added slots are awaited here.
    List<String> added = grown.subList(1, 4);
    Set<String> busy = ConcurrentHashMap.newKeySet();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
      busy.addAll(runningWorkers());
      assertThat(busy).as("every added slot took a job").containsAll(added);
    });

    redis.opsForList().rightPushAll(BATCH, rest);
    assertThat(worker.resize(1)).as("slots before").isEqualTo(4);
    Long queuedAtTheShrink = redis.opsForList().size(BATCH);
    assertThat(queuedAtTheShrink).as("jobs still queued when the slots were removed").isPositive();
    List<String> removed = added;
    assertThat(worker.workerIds()).containsExactly(grown.get(0));
    assertThat(runningWorkers()).as("the removed slots finished their jobs in hand").doesNotContainAnyElementsOf(
        removed);
    assertThat(WorkerFixtures.inProcessingLists(redis, List.of(HIGH, BATCH), removed)).isZero();
    assertThat(removed).allSatisfy(id -> assertThat(redis.hasKey(JobQueues.workerKey(id))).as("heartbeat of " + id)
        .isFalse());

    Set<String> afterShrink = ConcurrentHashMap.newKeySet();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      afterShrink.addAll(runningWorkers());
      assertThat(jobs).allSatisfy(job -> assertThat(fixtures.status(job)).isEqualTo("done"));
    });
    assertThat(afterShrink).as("only the slot left takes jobs").containsOnly(grown.get(0));
    assertThat(jobs).as("each job done by its first claim").allSatisfy(job ->
        assertThat(fixtures.jobRow(job).get("attempts")).isEqualTo(1));
    assertThat(redis.opsForList().size(BATCH)).isZero();
    assertThat(WorkerFixtures.inProcessingLists(redis, List.of(HIGH, BATCH), grown)).isZero();
  }

  private List<String> runningWorkers() {
    return jdbc.queryForList("SELECT worker FROM processing_jobs WHERE status = 'running'", String.class);
  }
}
