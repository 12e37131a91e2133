package app.photobomb.ops.thumbnail;

import static app.photobomb.ops.thumbnail.WorkerFixtures.ORIGINALS;
import static app.photobomb.ops.thumbnail.WorkerFixtures.THUMBNAILS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.thumbnails.ThumbnailSpec;
import app.photobomb.ops.storage.b2.B2ObjectStore;
import app.photobomb.ops.storage.b2.FakeB2Server;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/** SIGTERM (the context stopping, as Spring Boot's shutdown hook does) lets the job in hand finish, and takes no other. */
@ExtendWith(RealServersExtension.class)
class WorkerShutdownTest {

  private static final String DATABASE = "thumbnail_shutdown";
  private static final String HIGH = "shutdown_high";
  private static final String BATCH = "shutdown_batch";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path objects;

  @Test
  void stopFinishesTheJobInHandAndTakesNoOther() throws Exception {
    Map<String, Object> settings = new LinkedHashMap<>();
    RealServers.register((name, value) -> settings.put(name, value.get()), DATABASE, DatabaseRole.THUMBNAIL);
    try (FakeB2Server b2 = new FakeB2Server(Files.createDirectories(objects.resolve("b2"))).start();
        B2ObjectStore store = B2ObjectStore.create(b2.clientProperties(2))) {
      b2.createBucket(ORIGINALS);
      b2.createBucket(THUMBNAILS);
      settings.putAll(b2.originalsStoreSettings(2));
      settings.put("photobomb.worker.queues", HIGH + "," + BATCH);
      settings.put("photobomb.worker.migration-target", "none");
      settings.put("server.port", "0");
      JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
      WorkerFixtures fixtures = new WorkerFixtures(jdbc, store);
      UUID userId = fixtures.user();
      UUID inHand = fixtures.photo(userId, WorkerFixtures.jpeg(21, 1600, 1200));
      UUID next = fixtures.photo(userId, WorkerFixtures.jpeg(22, 1600, 1200));
      long inHandJob = fixtures.job("reprocess_thumbnails", inHand, BATCH, 3);
      long nextJob = fixtures.job("reprocess_thumbnails", next, BATCH, 3);

      // as command-line arguments: they win over the worker's own files, as environment variables do in production
      ConfigurableApplicationContext worker = ThumbnailWorkerApplication.application().run(settings.entrySet().stream()
          .map(setting -> "--" + setting.getKey() + "=" + setting.getValue()).toArray(String[]::new));
      StringRedisTemplate redis = worker.getBean(StringRedisTemplate.class);
      FakeB2Server.UploadPause pause = b2.pauseNextUploadOf(ThumbnailSpec.key(inHand, 1024));
      redis.opsForList().rightPushAll(BATCH, String.valueOf(inHandJob), String.valueOf(nextJob));
      await().atMost(WAIT).until(pause::arrived);

      Thread sigterm = new Thread(worker::close, "sigterm");
      sigterm.start();
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(sigterm::isAlive);
      assertThat(fixtures.status(inHandJob)).isEqualTo("running");
      pause.release();
      sigterm.join(WAIT.toMillis());

      assertThat(sigterm.isAlive()).isFalse();
      assertThat(fixtures.jobRow(inHandJob)).containsEntry("status", "done")
          .containsEntry("result", "{\"sizes\": [256, 512, 1024], \"specVersion\": 1}");
      assertThat(fixtures.status(nextJob)).as("no job is taken after the stop").isEqualTo("queued");
      LettuceConnectionFactory client = new LettuceConnectionFactory(RealServers.endpoints().redisHost(),
          RealServers.endpoints().redisPort());
      client.afterPropertiesSet();
      client.start();
      try {
        StringRedisTemplate after = new StringRedisTemplate(client);
        assertThat(after.opsForList().range(BATCH, 0, -1)).containsExactly(String.valueOf(nextJob));
        after.delete(BATCH);
      } finally {
        client.destroy();
      }
    }
  }
}
