package app.photobomb.ops.cdn;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.CachePurgeRequested;
import app.photobomb.ops.common.events.CachePurged;
import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.TestCommands;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.testsupport.ServiceReplica;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A sending replica stopped between the calls of a purge: another takes the sender's lock and makes the calls not
 * yet made; a call made twice purges nothing more, and the request is answered once. The test's own context never
 * sends (its send interval is an hour), so the two replicas below are the only senders.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(properties = {"spring.config.name=" + CdnServiceApplication.CONFIG_NAME,
    "photobomb.cdn.send-interval=1h",
    "photobomb.cdn.coalesce-window=200ms",
    "photobomb.cdn.limits.urls-per-second=10",
    "photobomb.cdn.limits.urls-per-request=10",
    "photobomb.cdn.cloudflare.api-token=test-token",
    "photobomb.cdn.cloudflare.zone-id=zone123"})
class SenderTakeoverTest {

  private static final String PURGE_PATH = "/client/v4/zones/zone123/purge_cache";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final WireMockServer cloudflare = new WireMockServer(options().bindAddress("127.0.0.1")
      .dynamicPort());

  @Autowired
  PayloadCodec codec;
  @Autowired
  ConfigurableEnvironment environment;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, "cdn_takeover", DatabaseRole.CDN);
    cloudflare.start();
    cloudflare.stubFor(post(urlEqualTo(PURGE_PATH)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"success\":true,\"errors\":[]}")));
    registry.add("photobomb.cdn.cloudflare.api-url", () -> cloudflare.baseUrl() + "/client/v4");
  }

  @AfterAll
  static void stopCloudflare() {
    cloudflare.stop();
  }

  @Test
  void anotherReplicaMakesTheCallsAStoppedSenderDidNotMake() {
    UUID purgeId = UUID.randomUUID();
    List<String> urls = IntStream.range(0, 35).mapToObj(i -> "https://cdn.photobomb.app/thumb/t" + i + "/256.webp")
        .toList();
    Map<String, Object> sender = Map.of("photobomb.cdn.send-interval", "50ms");
    try (KafkaTestClient kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers())) {
      try (ServiceReplica first = ServiceReplica.start(CdnServiceApplication.application(), environment, sender)) {
        CachePurgeRequested request = new CachePurgeRequested(purgeId, urls, null, false, false, "api");
        kafka.send(MessageCatalog.CACHE_PURGE_REQUESTED.topic(), request.key(),
            TestCommands.headers(MessageCatalog.CACHE_PURGE_REQUESTED, UUID.randomUUID().toString(), request.key(),
                null), codec.encode(request).getBytes(StandardCharsets.UTF_8));
        // 4 calls of at most 10, one a second: the first replica stops after its first
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
            .until(() -> !cloudflare.findAll(postRequestedFor(urlEqualTo(PURGE_PATH))).isEmpty());
      }
      int beforeTakeover = cloudflare.findAll(postRequestedFor(urlEqualTo(PURGE_PATH))).size();
      assertThat(beforeTakeover).isLessThan(4);
      try (ServiceReplica second = ServiceReplica.start(CdnServiceApplication.application(), environment, sender)) {
        CachePurged purged = codec.decode(MessageCatalog.CACHE_PURGED, kafka.await(MessageCatalog.CACHE_PURGED.topic(),
            r -> purgeId.toString().equals(r.key()), WAIT).value());
        assertThat(purged.urlCount()).isEqualTo(35);
        assertThat(purged.requestCount()).isEqualTo(4);
      }
      List<Set<String>> calls = cloudflare.findAll(postRequestedFor(urlEqualTo(PURGE_PATH))).stream().map(r -> {
        Set<String> files = new HashSet<>();
        codec.readTree(r.getBodyAsString()).path("files").forEach(f -> files.add(f.asString()));
        return files;
      }).toList();
      assertThat(new HashSet<>(calls)).hasSize(4);
      assertThat(calls).hasSizeBetween(4, 5);
      assertThat(calls.stream().flatMap(Set::stream).distinct()).containsExactlyInAnyOrderElementsOf(urls);
      assertThat(kafka.readAll(MessageCatalog.CACHE_PURGED.topic()).stream()
          .filter(r -> purgeId.toString().equals(r.key()))).hasSize(1);
    }
  }
}
