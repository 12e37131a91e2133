package app.photobomb.ops.benchmarks;

import app.photobomb.ops.common.thumbnails.ThumbnailSpec;
import app.photobomb.ops.testsupport.EmbeddedServers;
import app.photobomb.ops.testsupport.ServerEndpoints;
import app.photobomb.ops.testsupport.ServerPorts;
import app.photobomb.ops.thumbnail.render.Thumbnail;
import app.photobomb.ops.thumbnail.render.ThumbnailRenderer;
import com.luciad.imageio.webp.WebPWriteParam;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Thumbnails per second on one thread, the thumbnail-worker's {@link ThumbnailRenderer} against a bare loop of
 * ImageIO decode + resize + WebP encode (webp-imageio) of the same JPEG originals, in alternating rounds of one run.
 * The originals are drawn once per run (a landscape with sensor noise, JPEG quality 0.9). Then, separately, the
 * worker end to end: its jar in its own JVM on one CPU ({@code -XX:ActiveProcessorCount=1},
 * PHOTOBOMB_WORKER_CONCURRENCY=1), jobs queued in processing_jobs and on Redis as the reprocess-service queues them,
 * originals read from and thumbnails written to the local store. Sizes by environment: BENCH_THUMBNAILS_PHOTOS (8
 * distinct originals), BENCH_THUMBNAILS_WIDTH x BENCH_THUMBNAILS_HEIGHT (3000 x 2000), BENCH_THUMBNAILS_ROUNDS (3
 * rounds of each path over every original), BENCH_THUMBNAILS_WORKER_JOBS (24; 0 skips the worker),
 * BENCH_THUMBNAILS_WORKER_JAR (thumbnail-worker/target/thumbnail-worker-*-exec.jar).
 */
public final class ThumbnailsBenchmark {

  private static final String ORIGINALS = "photobomb-originals";
  private static final String QUEUE = "batch_processing_queue";
  private static final int WARM_UP_JOBS = 2;

  private ThumbnailsBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int count = BenchEnv.integer("BENCH_THUMBNAILS_PHOTOS", 8);
    int width = BenchEnv.integer("BENCH_THUMBNAILS_WIDTH", 3000);
    int height = BenchEnv.integer("BENCH_THUMBNAILS_HEIGHT", 2000);
    int rounds = BenchEnv.integer("BENCH_THUMBNAILS_ROUNDS", 3);
    int workerJobs = BenchEnv.integer("BENCH_THUMBNAILS_WORKER_JOBS", 24);
    PrintStream out = System.out;
    // Both paths decode from memory; ImageIO's default would cache every stream in a temporary file.
    ImageIO.setUseCache(false);

    long drawStart = System.nanoTime();
    List<byte[]> originals = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      originals.add(BenchPhotos.jpeg(width, height, i));
    }
    long bytes = originals.stream().mapToLong(o -> o.length).sum();
    out.printf("%d JPEG originals of %dx%d, mean %.2f MiB, drawn in %.1f s%n", count, width, height,
        bytes / (double) count / (1 << 20), (System.nanoTime() - drawStart) / 1e9);

    ThumbnailSpec spec = ThumbnailSpec.defaults();
    ThumbnailRenderer renderer = new ThumbnailRenderer(spec);
    BareLoop bare = new BareLoop(spec.sizes(), spec.quality());
    for (byte[] original : originals.subList(0, Math.min(2, count))) {
      requireSizes(renderer.render(new ByteArrayInputStream(original)), spec);
      bare.render(original);
    }
    long rendererNanos = 0;
    long bareNanos = 0;
    long rendererBytes = 0;
    long bareBytes = 0;
    for (int round = 0; round < rounds; round++) {
      // Alternate which path goes first, so that a neighbour's load on the shared machine hits both alike.
      for (int turn = 0; turn < 2; turn++) {
        boolean rendererTurn = (round + turn) % 2 == 0;
        long start = System.nanoTime();
        long written = 0;
        for (byte[] original : originals) {
          written += rendererTurn ? sum(renderer.render(new ByteArrayInputStream(original))) : bare.render(original);
        }
        long took = System.nanoTime() - start;
        if (rendererTurn) {
          rendererNanos += took;
          rendererBytes += written;
        } else {
          bareNanos += took;
          bareBytes += written;
        }
        out.printf("  round %d %-8s %6.2f photos/s%n", round + 1, rendererTurn ? "renderer" : "bare",
            count / (took / 1e9));
      }
    }
    double rendered = (double) count * rounds / (rendererNanos / 1e9);
    double bareRate = (double) count * rounds / (bareNanos / 1e9);
    out.printf("bare loop (ImageIO decode, one bilinear drawImage per size, WebP q%.1f method 2)  %6.2f photos/s"
        + " = %6.2f thumbnails/s, %,d bytes of WebP a photo%n", spec.quality(), bareRate, bareRate * spec.sizes().size(),
        bareBytes / ((long) count * rounds));
    out.printf("ThumbnailRenderer (the worker's path: in-memory decode, halving steps, bilinear) %6.2f photos/s"
        + " = %6.2f thumbnails/s, %,d bytes of WebP a photo%n", rendered, rendered * spec.sizes().size(),
        rendererBytes / ((long) count * rounds));
    out.printf("ratio renderer / bare loop %.2f (goal >= 0.8), one thread, sizes %s%n", rendered / bareRate,
        spec.sizes());

    if (workerJobs > 0) {
      double worker = workerEndToEnd(out, originals, workerJobs);
      out.printf("ratio worker end to end / bare loop %.2f (the worker on one CPU, the bare loop on one thread)%n",
          worker / bareRate);
    }
    out.println("finished");
    System.exit(0);
  }

  /** The worker as deployed, on one CPU with one job at a time; returns photos per second over the measured jobs. */
  private static double workerEndToEnd(PrintStream out, List<byte[]> originals, int jobs) throws Exception {
    Path jar = ServiceJvm.jar("thumbnail-worker", "BENCH_THUMBNAILS_WORKER_JAR");
    Path work = Files.createTempDirectory("photobomb-thumbnails-bench");
    try (EmbeddedServers servers = EmbeddedServers.start(ServerPorts.ANY_FREE, null)) {
      ServerEndpoints endpoints = servers.endpoints();
      String url = BenchDatabases.migrated(endpoints, "bench_thumbnails");
      JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(url, endpoints.postgresUser(),
          endpoints.postgresPassword()));
      Path store = work.resolve("objects");
      List<UUID> photos = seed(jdbc, store, originals, WARM_UP_JOBS + jobs);

      Map<String, Object> settings = BenchServiceSettings.of(endpoints, url, work);
      settings.put("server.port", ServiceJvm.freePort());
      settings.put("spring.data.redis.url", endpoints.redisUrl());
      settings.put("photobomb.storage.primary", "local");
      settings.put("photobomb.storage.local.root", store);
      settings.put("photobomb.worker.migration-target", "none");
      settings.put("photobomb.worker.queues", "high_priority_queue," + QUEUE);
      Path log = Path.of(System.getProperty("java.io.tmpdir"), "photobomb-thumbnails-benchmark-worker.log");
      try (ServiceJvm worker = ServiceJvm.start(jar, List.of("-XX:ActiveProcessorCount=1"), settings,
          Map.of("PHOTOBOMB_WORKER_CONCURRENCY", "1"), log);
          RedisClient client = RedisClient.create(endpoints.redisUrl());
          StatefulRedisConnection<String, String> redis = client.connect()) {
        worker.log().await(worker.log().watch(line -> line.contains("Started ThumbnailWorkerApplication")),
            Duration.ofMinutes(2), "the thumbnail-worker's start");
        // All at once, so that the worker never idles in its 1 s BLMOVE wait between warm-up and measured jobs;
        // the span runs from the last warm-up job's finish to the last measured job's, as the worker recorded them.
        List<Long> warmUp = queue(jdbc, redis, photos.subList(0, WARM_UP_JOBS));
        List<Long> measured = queue(jdbc, redis, photos.subList(WARM_UP_JOBS, photos.size()));
        awaitEnded(jdbc, measured, Duration.ofMinutes(10));
        double seconds = jdbc.queryForObject("SELECT extract(epoch FROM max(finished_at) FILTER (WHERE job_id = ANY (?))"
            + " - max(finished_at) FILTER (WHERE job_id = ANY (?))) FROM processing_jobs", Double.class,
            measured.toArray(Long[]::new), warmUp.toArray(Long[]::new));
        long done = jdbc.queryForObject("SELECT count(*) FROM processing_jobs WHERE status = 'done' "
            + "AND job_id = ANY (?)", Long.class, (Object) measured.toArray(Long[]::new));
        long thumbnails = jdbc.queryForObject("SELECT count(*) FROM photo_files WHERE kind LIKE 'thumb_%' "
            + "AND provider = 'local'", Long.class);
        if (done != jobs || thumbnails != 3L * (jobs + WARM_UP_JOBS)) {
          throw new IllegalStateException("the worker finished " + done + " of " + jobs + " jobs and recorded "
              + thumbnails + " thumbnails; see " + log);
        }
        double rate = jobs / seconds;
        out.printf("worker end to end (claim, read original, render, write 3 thumbnails, commit), 1 CPU, concurrency 1"
            + ": %d jobs in %.1f s = %6.2f photos/s%n", jobs, seconds, rate);
        return rate;
      }
    } finally {
      BenchEnv.deleteTree(work);
    }
  }

  /** One account whose photos have originals in the local store, each a copy of one of the drawn originals. */
  private static List<UUID> seed(JdbcTemplate jdbc, Path store, List<byte[]> originals, int photos)
      throws IOException {
    UUID user = UUID.randomUUID();
    jdbc.update("INSERT INTO users (user_id, email) VALUES (?, ?)", user, user + "@example.com");
    Path folder = Files.createDirectories(store.resolve(ORIGINALS).resolve("originals").resolve(user.toString()));
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < photos; i++) {
      UUID photo = UUID.randomUUID();
      byte[] original = originals.get(i % originals.size());
      Files.write(folder.resolve(photo + ".jpg"), original);
      jdbc.update("INSERT INTO photos (photo_id, user_id, upload_id, original_filename, content_type, processed_at) "
          + "VALUES (?, ?, ?, ?, 'image/jpeg', '2023-06-01')", photo, user, UUID.randomUUID(), "IMG_" + i + ".jpg");
      jdbc.update("INSERT INTO photo_files (photo_id, user_id, kind, provider, bucket, object_key, size_bytes) "
          + "VALUES (?, ?, 'original', 'local', ?, ?, ?)", photo, user, ORIGINALS,
          "originals/" + user + "/" + photo + ".jpg", original.length);
      ids.add(photo);
    }
    return ids;
  }

  /** Queues one reprocess_thumbnails job per photo as the reprocess-service does: a row, then its id on the list. */
  private static List<Long> queue(JdbcTemplate jdbc, StatefulRedisConnection<String, String> redis, List<UUID> photos) {
    List<Long> ids = jdbc.queryForList("""
        INSERT INTO processing_jobs (upload_id, photo_id, job_type, priority, idempotency_key, queue)
        SELECT upload_id, photo_id, 'reprocess_thumbnails', 10, 'reprocess_thumbnails:' || photo_id || ':thumbs-v1', ?
        FROM photos WHERE photo_id = ANY (?) RETURNING job_id""", Long.class, QUEUE,
        (Object) photos.toArray(UUID[]::new));
    redis.sync().rpush(QUEUE, ids.stream().map(String::valueOf).toArray(String[]::new));
    return ids;
  }

  /** Samples the jobs' status every 50 ms until each is done or failed (the worker runs in its own JVM meanwhile). */
  private static void awaitEnded(JdbcTemplate jdbc, List<Long> jobs, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object ids = jobs.toArray(Long[]::new);
    while (jdbc.queryForObject("SELECT count(*) FROM processing_jobs WHERE status IN ('done', 'failed') "
        + "AND job_id = ANY (?)", Long.class, ids) < jobs.size()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the worker did not end " + jobs.size() + " jobs within " + timeout);
      }
      Thread.sleep(50);
    }
  }

  private static void requireSizes(List<Thumbnail> thumbnails, ThumbnailSpec spec) {
    List<Integer> sizes = thumbnails.stream().map(Thumbnail::size).sorted().toList();
    if (!sizes.equals(spec.sizes().stream().sorted().toList())
        || thumbnails.stream().anyMatch(t -> Math.max(t.width(), t.height()) != t.size() || t.webp().length == 0)) {
      throw new IllegalStateException("the renderer made " + sizes + ", not " + spec.sizes());
    }
  }

  private static long sum(List<Thumbnail> thumbnails) {
    return thumbnails.stream().mapToLong(t -> t.webp().length).sum();
  }

  /**
   * The least code that turns a JPEG into the spec's WebP thumbnails: {@code ImageIO.read}, one bilinear
   * {@code drawImage} per size (each from the next larger), webp-imageio's writer at the spec's quality with the
   * renderer's encoder method, so the two paths differ only in what the renderer adds.
   */
  private static final class BareLoop {

    private final List<Integer> sizesLargestFirst;
    private final float quality;

    BareLoop(List<Integer> sizes, float quality) {
      this.sizesLargestFirst = sizes.stream().sorted(Comparator.reverseOrder()).toList();
      this.quality = quality;
    }

    /** Returns the bytes of WebP written. */
    long render(byte[] jpeg) throws IOException {
      BufferedImage source = ImageIO.read(new ByteArrayInputStream(jpeg));
      long written = 0;
      for (int size : sizesLargestFirst) {
        double scale = (double) size / Math.max(source.getWidth(), source.getHeight());
        BufferedImage scaled = new BufferedImage((int) Math.round(source.getWidth() * scale),
            (int) Math.round(source.getHeight() * scale), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(source, 0, 0, scaled.getWidth(), scaled.getHeight(), null);
        g.dispose();
        written += webp(scaled).length;
        source = scaled;
      }
      return written;
    }

    private byte[] webp(BufferedImage image) throws IOException {
      ImageWriter writer = ImageIO.getImageWritersByMIMEType("image/webp").next();
      WebPWriteParam param = (WebPWriteParam) writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionType(List.of(param.getCompressionTypes()).stream()
          .filter(type -> type.equalsIgnoreCase("lossy")).findFirst().orElseThrow());
      param.setCompressionQuality(quality);
      param.setMethod(2);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(image, null, null), param);
      } finally {
        writer.dispose();
      }
      return bytes.toByteArray();
    }
  }
}
