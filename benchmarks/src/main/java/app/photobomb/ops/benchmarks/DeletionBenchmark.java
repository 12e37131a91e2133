package app.photobomb.ops.benchmarks;

import app.photobomb.ops.deletion.DeletionServiceApplication;
import app.photobomb.ops.deletion.domain.HardDeleter;
import app.photobomb.ops.storage.b2.FakeB2Server;
import app.photobomb.ops.testsupport.EmbeddedServers;
import app.photobomb.ops.testsupport.ServerEndpoints;
import app.photobomb.ops.testsupport.ServerPorts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One account with many photos (an original and three thumbnails each, faces, albums), deleted twice on
 * identical data in one run: by the runbook's bare SQL (task 9, plus the two tables its foreign keys need) and
 * by the deletion-service's database phase. Then the object phase as the service's scheduler runs it, against the
 * fake B2 server with a per-call latency: versions deleted per second, B2 calls per version, and calls per second
 * against the ideal bound (concurrency / latency), for a fixed window at each concurrency. Sizes by environment: BENCH_DELETION_PHOTOS
 * (50000), BENCH_DELETION_LATENCY_MS (20), BENCH_DELETION_CONCURRENCY (8,32), BENCH_DELETION_WINDOW_SECONDS (30).
 */
public final class DeletionBenchmark {

  private static final String ORIGINALS = "photobomb-originals";
  private static final String THUMBNAILS = "photobomb-thumbnails";
  private static final UUID USER = UUID.fromString("00000000-0000-4000-8000-000000000001");
  private static final UUID BYSTANDER = UUID.fromString("00000000-0000-4000-8000-000000000002");
  private static final byte[] CONTENT = new byte[128];

  private DeletionBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int photos = BenchEnv.integer("BENCH_DELETION_PHOTOS", 50_000);
    int latencyMs = BenchEnv.integer("BENCH_DELETION_LATENCY_MS", 20);
    int window = BenchEnv.integer("BENCH_DELETION_WINDOW_SECONDS", 30);
    List<Integer> concurrencies = List.of(System.getenv().getOrDefault("BENCH_DELETION_CONCURRENCY", "8,32")
        .split(",")).stream().map(String::trim).map(Integer::parseInt).toList();
    PrintStream out = System.out;
    Path work = Files.createTempDirectory("photobomb-deletion-bench");

    try (EmbeddedServers servers = EmbeddedServers.start(ServerPorts.ANY_FREE, null);
        FakeB2Server b2 = new FakeB2Server(Files.createDirectories(work.resolve("b2"))).start()) {
      ServerEndpoints endpoints = servers.endpoints();
      out.printf("servers up; one account with %,d photos (%,d stored objects), another with %,d%n", photos,
          photos * 4, photos / 10);

      String runbookUrl = databaseWithAccount(endpoints, "bench_deletion_runbook", photos);
      double runbookSeconds = runbookSql(runbookUrl, endpoints);
      out.printf("runbook bare SQL (one transaction)        %8.2f s%n", runbookSeconds);

      String serviceUrl = databaseWithAccount(endpoints, "bench_deletion_service", photos);
      b2.createBucket(ORIGINALS);
      b2.createBucket(THUMBNAILS);
      seedObjects(serviceUrl, endpoints, b2);
      out.printf("fake B2 seeded with %,d versions%n", b2.versionCount());

      double serviceSeconds;
      try (ConfigurableApplicationContext service = startService(endpoints, serviceUrl, b2, work, concurrencies.get(0),
          "1h")) {
        JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
        jdbc.update("""
            INSERT INTO user_deletions (user_id, status, requested_by, requested_at, soft_deleted_at,
                hard_delete_after) VALUES (?, 'scheduled', 'benchmark', now(), now() - interval '31 days',
                now() - interval '1 day')""", USER);
        long start = System.nanoTime();
        Map<String, Long> rows = service.getBean(HardDeleter.class).deleteRows(USER).orElseThrow();
        serviceSeconds = (System.nanoTime() - start) / 1e9;
        out.printf("deletion-service database phase           %8.2f s  rows %s%n", serviceSeconds, rows);
        out.printf("  ratio service / runbook %.2f (the service also records %,d deletion tasks naming every "
            + "object: the user's prefixes and the ids of its %,d photos; and an audit row with counts, in the same "
            + "transaction)%n", serviceSeconds / runbookSeconds,
            jdbc.queryForObject("SELECT count(*) FROM deletion_tasks", Long.class),
            jdbc.queryForObject("SELECT coalesce(sum(cardinality(photo_ids)), 0) FROM deletion_tasks", Long.class));
        requireBystanderIntact(jdbc, photos / 10);
      }

      b2.latency(Duration.ofMillis(latencyMs));
      for (int concurrency : concurrencies) {
        try (ConfigurableApplicationContext service = startService(endpoints, serviceUrl, b2, work, concurrency,
            "1s")) {
          measureObjectPhase(out, service, b2, concurrency, latencyMs, window);
        }
      }
    } finally {
      BenchEnv.deleteTree(work);
    }
    out.println("finished");
    System.exit(0);
  }

  /**
   * The object phase as production runs it: the service's own scheduler passes back to back while work remains
   * (no benchmark loop calling inner methods), sampled once a second for the window or until the account is done.
   */
  private static void measureObjectPhase(PrintStream out, ConfigurableApplicationContext service, FakeB2Server b2,
      int concurrency, int latencyMs, int window) throws InterruptedException {
    JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
    long removedBefore = removedVersions(jdbc);
    int callsBefore = b2.totalCalls();
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(window).toNanos();
    while (System.nanoTime() < deadline && !accountDone(jdbc)) {
      // A sampler, not a wait for a condition: the scheduler runs on its own threads meanwhile.
      Thread.sleep(1000);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long removed = removedVersions(jdbc) - removedBefore;
    int calls = b2.totalCalls() - callsBefore;
    double idealCalls = concurrency * 1000.0 / latencyMs;
    out.printf("object phase, concurrency %2d, %d ms a call: %,7.0f versions/s, %,7.0f B2 calls/s (%.2f calls a "
        + "version); ideal %,5.0f calls/s; calls achieved/ideal %.2f (%.0f s, %,d tasks left)%n", concurrency,
        latencyMs, removed / seconds, calls / seconds, removed == 0 ? 0 : (double) calls / removed, idealCalls,
        calls / seconds / idealCalls, seconds, pendingTasks(jdbc));
  }

  private static long removedVersions(JdbcTemplate jdbc) {
    return jdbc.queryForObject("SELECT count(*) FROM deletion_tasks WHERE kind = 'version' AND removed", Long.class);
  }

  private static long pendingTasks(JdbcTemplate jdbc) {
    return jdbc.queryForObject("SELECT count(*) FROM deletion_tasks WHERE status = 'pending'", Long.class);
  }

  private static boolean accountDone(JdbcTemplate jdbc) {
    return "deleted".equals(jdbc.queryForObject("SELECT status FROM user_deletions WHERE user_id = ?", String.class,
        USER));
  }

  private static void requireBystanderIntact(JdbcTemplate jdbc, int photos) {
    long left = jdbc.queryForObject("SELECT count(*) FROM photos WHERE user_id = ?", Long.class, BYSTANDER);
    if (left != photos) {
      throw new IllegalStateException("the other account lost photos: " + left + " of " + photos);
    }
  }

  /** The runbook's task 9, with album_photos and photo_files first because the schema's foreign keys need it. */
  private static double runbookSql(String url, ServerEndpoints endpoints) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, endpoints.postgresUser(),
        endpoints.postgresPassword()); Statement sql = connection.createStatement()) {
      connection.setAutoCommit(false);
      long start = System.nanoTime();
      String user = "'" + USER + "'";
      sql.executeUpdate("DELETE FROM face_detections WHERE user_id = " + user);
      sql.executeUpdate("DELETE FROM face_clusters WHERE user_id = " + user);
      sql.executeUpdate("DELETE FROM album_photos WHERE photo_id IN (SELECT photo_id FROM photos WHERE user_id = "
          + user + ")");
      sql.executeUpdate("DELETE FROM photo_files WHERE user_id = " + user);
      sql.executeUpdate("DELETE FROM photos WHERE user_id = " + user);
      sql.executeUpdate("DELETE FROM albums WHERE user_id = " + user);
      sql.executeUpdate("DELETE FROM users WHERE user_id = " + user);
      sql.executeUpdate("INSERT INTO audit_logs (user_id, action, details) VALUES (" + user
          + ", 'account_deleted', '{\"retention_period\": \"30 days\"}')");
      connection.commit();
      return (System.nanoTime() - start) / 1e9;
    }
  }

  /** A fresh, migrated database holding the account (soft-deleted 31 days ago) and a bystander account. */
  private static String databaseWithAccount(ServerEndpoints endpoints, String name, int photos) throws SQLException {
    String url = BenchDatabases.migrated(endpoints, name);
    try (Connection connection = DriverManager.getConnection(url, endpoints.postgresUser(),
        endpoints.postgresPassword()); Statement sql = connection.createStatement()) {
      insertAccount(sql, USER, photos, "now() - interval '31 days'");
      insertAccount(sql, BYSTANDER, photos / 10, "NULL");
      sql.execute("VACUUM ANALYZE");
    }
    return url;
  }

  /** Deterministic ids (md5 of a name), so both databases hold the same rows. */
  private static void insertAccount(Statement sql, UUID user, int photos, String deletedAt) throws SQLException {
    String u = "'" + user + "'";
    String photo = "md5(" + u + " || 'photo' || i)::uuid";
    sql.execute("INSERT INTO users (user_id, email, deleted_at) VALUES (" + u + ", " + u + " || '@example.com', "
        + deletedAt + ")");
    sql.execute("INSERT INTO photos (photo_id, user_id, upload_id, original_filename, content_type, width, height,"
        + " taken_at, metadata) SELECT " + photo + ", " + u + ", md5(" + u + " || 'upload' || i)::uuid,"
        + " 'IMG_' || i || '.jpg', 'image/jpeg', 4032, 3024, now() - i * interval '1 hour',"
        + " jsonb_build_object('camera', 'Pixel 8', 'iso', 100 + i % 700) FROM generate_series(1, " + photos + ") i");
    sql.execute("INSERT INTO photo_files (photo_id, user_id, kind, provider, bucket, object_key, size_bytes)"
        + " SELECT " + photo + ", " + u + ", 'original', 'b2', '" + ORIGINALS + "', 'originals/' || " + u
        + " || '/' || " + photo + " || '.jpg', " + CONTENT.length + " FROM generate_series(1, " + photos + ") i");
    sql.execute("INSERT INTO photo_files (photo_id, user_id, kind, provider, bucket, object_key, size_bytes)"
        + " SELECT " + photo + ", " + u + ", 'thumb_' || s, 'b2', '" + THUMBNAILS + "', 'thumbs/' || " + photo
        + " || '/' || s || '.webp', " + CONTENT.length + " FROM generate_series(1, " + photos + ") i,"
        + " unnest(ARRAY['256', '512', '1024']) s");
    sql.execute("INSERT INTO face_clusters (cluster_id, user_id, label) SELECT md5(" + u + " || 'cluster' || c)::uuid, "
        + u + ", 'person ' || c FROM generate_series(1, 50) c");
    sql.execute("INSERT INTO face_detections (photo_id, user_id, cluster_id, bbox, confidence) SELECT " + photo
        + ", " + u + ", md5(" + u + " || 'cluster' || ((i + f) % 50 + 1))::uuid, '{\"x\":0.1,\"y\":0.2,\"w\":0.3,"
        + "\"h\":0.3}', 0.9 FROM generate_series(1, " + photos + ") i, generate_series(1, 2) f");
    sql.execute("INSERT INTO albums (album_id, user_id, title) SELECT md5(" + u + " || 'album' || a)::uuid, " + u
        + ", 'Album ' || a FROM generate_series(1, 100) a");
    sql.execute("INSERT INTO album_photos (album_id, photo_id, position) SELECT md5(" + u + " || 'album' || (i % 100 "
        + "+ 1))::uuid, " + photo + ", i FROM generate_series(1, " + photos + ") i");
  }

  /** Every photo_files row of the account becomes one version in the fake B2. */
  private static void seedObjects(String url, ServerEndpoints endpoints, FakeB2Server b2)
      throws SQLException, IOException {
    try (Connection connection = DriverManager.getConnection(url, endpoints.postgresUser(),
        endpoints.postgresPassword()); Statement sql = connection.createStatement()) {
      var rows = sql.executeQuery("SELECT bucket, object_key FROM photo_files WHERE user_id = '" + USER + "'");
      while (rows.next()) {
        b2.seed(rows.getString(1), rows.getString(2), CONTENT);
      }
    }
  }

  private static ConfigurableApplicationContext startService(ServerEndpoints endpoints, String jdbcUrl,
      FakeB2Server b2, Path work, int concurrency, String schedulerInterval) {
    Map<String, Object> settings = BenchServiceSettings.of(endpoints, jdbcUrl, work);
    settings.putAll(b2.originalsStoreSettings(5));
    settings.put("photobomb.deletion.scheduler-interval", schedulerInterval);
    settings.put("photobomb.deletion.object-concurrency", concurrency);
    settings.put("logging.level.root", "WARN");
    // Arguments, not default properties: the service's own YAML outranks defaults.
    return DeletionServiceApplication.application().run(BenchServiceSettings.arguments(settings));
  }


}
