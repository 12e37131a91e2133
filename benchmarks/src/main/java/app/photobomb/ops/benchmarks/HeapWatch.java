package app.photobomb.ops.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Samples a service's heap through its metrics endpoint every 200 ms: the most in use (garbage included) and
 * the most still live after a collection (what the service really holds).
 */
final class HeapWatch implements AutoCloseable {

  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong maxUsed = new AtomicLong();
  private final AtomicLong maxLive = new AtomicLong();
  private final int port;

  private HeapWatch(int port) {
    this.port = port;
  }

  static HeapWatch start(int port) {
    HeapWatch watch = new HeapWatch(port);
    watch.sampler.scheduleAtFixedRate(watch::sample, 0, 200, TimeUnit.MILLISECONDS);
    return watch;
  }

  private void sample() {
    maxUsed.accumulateAndGet(metric("jvm.memory.used?tag=area:heap"), Math::max);
    maxLive.accumulateAndGet(metric("jvm.gc.live.data.size"), Math::max);
  }

  private long metric(String path) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics/" + path)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode value = json.readTree(response.body()).path("measurements").path(0).path("value");
      return value.isNumber() ? value.asLong() : 0;
    } catch (Exception e) {
      return 0;
    }
  }

  long maxUsed() {
    return maxUsed.get();
  }

  long maxLiveAfterGc() {
    return maxLive.get();
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
