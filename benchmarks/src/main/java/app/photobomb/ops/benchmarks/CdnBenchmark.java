package app.photobomb.ops.benchmarks;

import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.ThumbnailsRegenerated;
import app.photobomb.ops.common.messaging.CloudEventHeaders;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.testsupport.EmbeddedServers;
import app.photobomb.ops.testsupport.ServerEndpoints;
import app.photobomb.ops.testsupport.ServerPorts;
import app.photobomb.ops.testsupport.cloudflare.CloudflarePlanLimits;
import app.photobomb.ops.testsupport.cloudflare.CloudflareStandIn;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Thumbnail URLs purged through the cdn-service against the Cloudflare stand-in at a plan's limits: the cdn-service
 * as deployed (its jar in its own JVM) on the real Kafka and PostgreSQL, the stand-in in this JVM enforcing the
 * plan's buckets (429 over them). The photos' thumbnails-regenerated events (three sizes each) are in Kafka before
 * the service starts; the run is timed from the stand-in's first purge call to the moment it has purged every URL.
 * The plan's bound is the URL rate (purges by URL spend nothing else below 1,200 calls); the runbook's way is one
 * call per photo. Sizes: BENCH_CDN_PHOTOS (33,334: 100,002 URLs), BENCH_CDN_PLAN (pro), BENCH_CDN_HEAP (256m),
 * BENCH_CDN_SERVICE_JAR (cdn-service/target/cdn-service-*-exec.jar).
 */
public final class CdnBenchmark {

  private static final String DATABASE = "bench_cdn";
  private static final String TOKEN = "bench-token";
  private static final String ZONE = "bench-zone";
  private static final List<Integer> SIZES = List.of(256, 512, 1024);
  private static final Duration TIMEOUT = Duration.ofMinutes(20);

  private CdnBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int photos = BenchEnv.integer("BENCH_CDN_PHOTOS", 33_334);
    CloudflarePlanLimits plan = CloudflarePlanLimits.named(System.getenv().getOrDefault("BENCH_CDN_PLAN", "pro"));
    String heap = System.getenv().getOrDefault("BENCH_CDN_HEAP", "256m");
    Path jar = ServiceJvm.jar("cdn-service", "BENCH_CDN_SERVICE_JAR");
    PrintStream out = System.out;
    Path work = Files.createTempDirectory("photobomb-cdn-bench");
    long urls = (long) photos * SIZES.size();
    try (EmbeddedServers servers = EmbeddedServers.start(ServerPorts.ANY_FREE, null);
        CloudflareStandIn cloudflare = CloudflareStandIn.start(new CloudflareStandIn.Settings(0, TOKEN, ZONE, plan,
            Files.createDirectories(work.resolve("thumbnails"))))) {
      ServerEndpoints endpoints = servers.endpoints();
      String url = BenchDatabases.migrated(endpoints, DATABASE);
      produce(endpoints.kafkaBootstrapServers(), photos);
      Map<String, Object> settings = BenchServiceSettings.of(endpoints, url, work);
      settings.put("photobomb.cdn.cloudflare.api-url", cloudflare.apiUrl());
      settings.put("photobomb.cdn.cloudflare.api-token", TOKEN);
      settings.put("photobomb.cdn.cloudflare.zone-id", ZONE);
      settings.put("photobomb.cdn.plan", plan.name());
      Path log = Path.of(System.getProperty("java.io.tmpdir"), "photobomb-cdn-benchmark-service.log");
      try (ServiceJvm service = ServiceJvm.start(jar, List.of("-Xmx" + heap), settings, Map.of(), log)) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (cloudflare.purgeCalls() == 0) {
          waitOrFail(deadline, "the first purge call");
        }
        long first = System.nanoTime();
        while (cloudflare.urlsPurged() < urls) {
          waitOrFail(deadline, "every URL purged (" + cloudflare.urlsPurged() + " of " + urls + ")");
        }
        double seconds = (System.nanoTime() - first) / 1e9;
        double bound = urls / plan.urlsPerSecond();
        out.printf("%,d photos, %,d thumbnail URLs as %,d thumbnails-regenerated, plan %s (%,.0f URLs/s, %d a call)%n",
            photos, urls, photos, plan.name(), plan.urlsPerSecond(), plan.urlsPerRequest());
        out.printf("| | calls | 429s | time |%n|---|---|---|---|%n");
        // one call per photo: past the first 1,200 calls, the API's 4 calls a second bound it
        double runbookSeconds = Math.max(0, photos - CloudflarePlanLimits.API_CALLS_PER_FIVE_MINUTES)
            / (CloudflarePlanLimits.API_CALLS_PER_FIVE_MINUTES / 300.0);
        out.printf("| runbook: one purge_cache per photo (computed) | %,d | | at least %,.0f s |%n", photos,
            runbookSeconds);
        out.printf("| cdn-service | %,d | %,d | %.1f s from the first call to the last URL |%n",
            cloudflare.purgeCalls(), cloudflare.rateLimited(), seconds);
        out.printf("calls %.4f of the runbook's; the plan's bound %.1f s (%,d URLs at %,.0f URLs/s); ratio of the "
            + "plan's bound %.2f (goal >= 0.9); 429s %d (goal 0)%n", cloudflare.purgeCalls() / (double) photos, bound,
            urls, plan.urlsPerSecond(), bound / seconds, cloudflare.rateLimited());
      }
    } finally {
      BenchEnv.deleteTree(work);
    }
    out.println("finished");
    System.exit(0);
  }

  /** The events, before the service starts: they wait in Kafka as a burst of reprocessed photos would. */
  private static void produce(String bootstrapServers, int photos) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    PayloadCodec codec = new PayloadCodec();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
        new ByteArraySerializer())) {
      for (int i = 0; i < photos; i++) {
        ThumbnailsRegenerated event = new ThumbnailsRegenerated(UUID.randomUUID(), SIZES);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(MessageCatalog.THUMBNAILS_REGENERATED.topic(),
            event.key(), codec.encode(event).getBytes(StandardCharsets.UTF_8));
        CloudEventHeaders.forCommand(MessageCatalog.THUMBNAILS_REGENERATED, UUID.randomUUID().toString(),
            "urn:photobomb-ops:reprocess-service", event.key(), null)
            .forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        producer.send(record);
      }
      producer.flush();
    }
  }

  private static void waitOrFail(long deadline, String what) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("no " + what + " within " + TIMEOUT);
    }
    LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
  }
}
