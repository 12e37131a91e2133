package app.photobomb.ops.benchmarks;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.UserExportRequested;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.storage.GeneratedContent;
import app.photobomb.ops.testsupport.EmbeddedServers;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.ServerEndpoints;
import app.photobomb.ops.testsupport.ServerPorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Export throughput against a plain copy of the same files, in one run: a user with about 2 GiB of originals in
 * the local store; the baseline copies those files to another directory (twice, before and after); the export
 * is asked for over Kafka from the export-service running in its own JVM with its heap capped at 256 MiB, and
 * timed from its claim to its completion as the database records them. Sizes by environment:
 * BENCH_EXPORT_MB (2048), BENCH_EXPORT_PHOTO_MB (4), BENCH_EXPORT_HEAP (256m), BENCH_EXPORT_SERVICE_JAR
 * (export-service/target/export-service-*-exec.jar), BENCH_EXPORT_JVM_OPTIONS (none; more options for the service's
 * JVM, space-separated, e.g. {@code -XX:StartFlightRecording=filename=export.jfr} to profile it).
 */
public final class ExportBenchmark {

  private static final String BUCKET = "photobomb-originals";

  private ExportBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    long totalMb = BenchEnv.integer("BENCH_EXPORT_MB", 2048);
    int photoMb = BenchEnv.integer("BENCH_EXPORT_PHOTO_MB", 4);
    String heap = System.getenv().getOrDefault("BENCH_EXPORT_HEAP", "256m");
    Path serviceJar = serviceJar();
    int photos = (int) (totalMb / photoMb);
    PrintStream out = System.out;
    Path work = Files.createTempDirectory("photobomb-export-bench");
    Process service = null;
    try (EmbeddedServers servers = EmbeddedServers.start(ServerPorts.ANY_FREE, null)) {
      ServerEndpoints endpoints = servers.endpoints();
      String url = BenchDatabases.migrated(endpoints, "bench_export");
      JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(url, endpoints.postgresUser(),
          endpoints.postgresPassword()));
      Path store = work.resolve("objects");
      UUID userId = UUID.randomUUID();
      List<Path> originals = seed(jdbc, store, userId, photos, (long) photoMb << 20);
      long bytes = photos * ((long) photoMb << 20);
      out.printf("one user with %,d photos of %d MiB = %,d MiB of originals; export-service heap -Xmx%s%n", photos,
          photoMb, bytes >> 20, heap);

      double copyBefore = copy(originals, work.resolve("copy-1"));
      // Outside the scratch directory, so that it outlives a failed run.
      Path log = Path.of(System.getProperty("java.io.tmpdir"), "photobomb-export-benchmark-service.log");
      int port = freePort();
      service = startService(serviceJar, heap, endpoints, url, work, store, port);
      ServiceLog serviceLog = ServiceLog.follow(service, log);
      serviceLog.await(serviceLog.watch(line -> line.contains("Started ExportServiceApplication")),
          Duration.ofMinutes(2), "the export-service's start");
      UUID exportId = UUID.randomUUID();
      Map<String, Object> row;
      try (HeapWatch heapWatch = HeapWatch.start(port)) {
        var ended = serviceLog.watch(line -> line.contains("export " + exportId)
            && (line.contains(" done: ") || line.contains(" failed")));
        request(endpoints, exportId, userId);
        serviceLog.await(ended, Duration.ofMinutes(15), "export " + exportId);
        row = completed(jdbc, exportId);
        long live = heapWatch.maxLiveAfterGc();
        out.printf("export-service heap during the export: at most %,d MiB in use, %s (cap %s)%n",
            heapWatch.maxUsed() >> 20, live == 0 ? "no old-generation collection to say what was live"
                : "at most " + (live >> 20) + " MiB live after a collection", heap);
      }
      double exportSeconds = ((Timestamp) row.get("completed_at")).getTime() / 1000.0
          - ((Timestamp) row.get("started_at")).getTime() / 1000.0;
      double copyAfter = copy(originals, work.resolve("copy-2"));
      long archiveBytes = ((Number) row.get("bytes")).longValue();
      verify(store.resolve("photobomb-exports").resolve((String) row.get("object_key")), photos);

      double copyRate = (bytes >> 20) / ((copyBefore + copyAfter) / 2);
      double exportRate = (bytes >> 20) / exportSeconds;
      out.printf("plain file copy of the originals  %7.2f s, %7.2f s  (mean %,.0f MiB/s)%n", copyBefore, copyAfter,
          copyRate);
      out.printf("export (claim -> completed)        %7.2f s           (%,.0f MiB/s of originals; archive %,d MiB)%n",
          exportSeconds, exportRate, archiveBytes >> 20);
      out.printf("ratio export / plain copy %.2f%n", exportRate / copyRate);
    } finally {
      if (service != null) {
        service.destroy();
        service.waitFor();
      }
      BenchEnv.deleteTree(work);
    }
    out.println("finished");
    System.exit(0);
  }

  private static Path serviceJar() throws IOException {
    String configured = System.getenv("BENCH_EXPORT_SERVICE_JAR");
    if (configured != null) {
      return Path.of(configured);
    }
    try (Stream<Path> jars = Files.list(Path.of("export-service", "target"))) {
      return jars.filter(p -> p.getFileName().toString().endsWith("-exec.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("build it first: ./mvnw -q -DskipTests -pl export-service -am "
              + "package (or set BENCH_EXPORT_SERVICE_JAR)"));
    }
  }

  private static List<Path> seed(JdbcTemplate jdbc, Path store, UUID userId, int photos, long size)
      throws IOException {
    jdbc.update("INSERT INTO users (user_id, email) VALUES (?, 'bench@example.com')", userId);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < photos; i++) {
      UUID photoId = UUID.randomUUID();
      String key = "originals/" + userId + "/" + photoId + ".jpg";
      Path file = Files.createDirectories(store.resolve(BUCKET).resolve("originals").resolve(userId.toString()))
          .resolve(photoId + ".jpg");
      try (InputStream in = new GeneratedContent(size, i)) {
        Files.copy(in, file);
      }
      files.add(file);
      jdbc.update("""
          INSERT INTO photos (photo_id, user_id, upload_id, original_filename, content_type, uploaded_at)
          VALUES (?, ?, ?, ?, 'image/jpeg', ?)""", photoId, userId, UUID.randomUUID(), "IMG_" + i + ".jpg",
          Timestamp.from(Instant.now().minusSeconds(photos - i)));
      jdbc.update("""
          INSERT INTO photo_files (photo_id, user_id, kind, provider, bucket, object_key, size_bytes)
          VALUES (?, ?, 'original', 'local', ?, ?, ?)""", photoId, userId, BUCKET, key, size);
    }
    return files;
  }

  /** The baseline: the same bytes read and written once, file by file, with nothing else done to them. */
  private static double copy(List<Path> originals, Path target) throws IOException {
    Files.createDirectories(target);
    long start = System.nanoTime();
    for (Path file : originals) {
      Files.copy(file, target.resolve(file.getFileName()));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    BenchEnv.deleteTree(target);
    return seconds;
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static Process startService(Path jar, String heap, ServerEndpoints endpoints, String jdbcUrl, Path work,
      Path store, int port) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap));
    String options = System.getenv().getOrDefault("BENCH_EXPORT_JVM_OPTIONS", "").trim();
    if (!options.isEmpty()) {
      command.addAll(List.of(options.split("\\s+")));
    }
    command.addAll(List.of("-jar", jar.toString()));
    Map<String, Object> settings = BenchServiceSettings.of(endpoints, jdbcUrl, work);
    settings.putAll(Map.of(
        "server.port", port,
        "photobomb.storage.primary", "local",
        "photobomb.storage.exports", "local",
        "photobomb.storage.local.root", store,
        "photobomb.export.poll-interval", "200ms"));
    command.addAll(List.of(BenchServiceSettings.arguments(settings)));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static void request(ServerEndpoints endpoints, UUID exportId, UUID userId) {
    try (KafkaTestClient kafka = new KafkaTestClient(endpoints.kafkaBootstrapServers())) {
      String id = UUID.randomUUID().toString();
      kafka.send(MessageCatalog.USER_EXPORT_REQUESTED.topic(), userId.toString(),
          CloudEventHeaders.forCommand(MessageCatalog.USER_EXPORT_REQUESTED, id, "urn:photobomb:api",
              userId.toString(), id),
          new PayloadCodec().encode(new UserExportRequested(exportId, userId, userId.toString()))
              .getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The export's row, once the service has said it ended: completed, or the benchmark stops. */
  private static Map<String, Object> completed(JdbcTemplate jdbc, UUID exportId) {
    Map<String, Object> row = jdbc.queryForMap(
        "SELECT status, started_at, completed_at, bytes, object_key, failure_reason FROM exports WHERE export_id = ?",
        exportId);
    if (!"completed".equals(row.get("status"))) {
      throw new IllegalStateException("export ended " + row);
    }
    return row;
  }

  /** The archive opens and holds every photo, so the figure is of a real archive. */
  private static void verify(Path archive, int photos) throws IOException {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      long count = zip.stream().filter(entry -> entry.getName().startsWith("photos/")).count();
      if (count != photos) {
        throw new IllegalStateException("archive holds " + count + " photos, not " + photos);
      }
    }
  }

}
