package app.photobomb.ops.cdn;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
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
import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The runbook's validation after a purge: a sample of the purged URLs fetched with HEAD, their cf-cache-status
 * counted into cache-purged. One WireMock on loopback is both Cloudflare's API and the edge serving the thumbnails.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(properties = {"spring.config.name=" + CdnServiceApplication.CONFIG_NAME,
    "photobomb.cdn.validation-sample=2",
    "photobomb.cdn.send-interval=50ms",
    "photobomb.cdn.cloudflare.api-token=test-token",
    "photobomb.cdn.cloudflare.zone-id=zone123"})
class PurgeValidationTest {

  private static final WireMockServer edge = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

  @Autowired
  PayloadCodec codec;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, "cdn_validation", DatabaseRole.CDN);
    edge.start();
    edge.stubFor(post(urlEqualTo("/client/v4/zones/zone123/purge_cache")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody("{\"success\":true,\"errors\":[]}")));
    edge.stubFor(head(urlPathMatching("/thumb/.*/256.webp")).willReturn(aResponse().withStatus(200)
        .withHeader("cf-cache-status", "MISS")));
    edge.stubFor(head(urlPathMatching("/thumb/.*/512.webp")).willReturn(aResponse().withStatus(200)
        .withHeader("cf-cache-status", "HIT")));
    registry.add("photobomb.cdn.cloudflare.api-url", () -> edge.baseUrl() + "/client/v4");
    registry.add("photobomb.cdn.base-url", edge::baseUrl);
  }

  @AfterAll
  static void stopEdge() {
    edge.stop();
  }

  @Test
  void purgedAnswersHowManySampledUrlsTheEdgeNowFetchesFromTheOrigin() {
    UUID purgeId = UUID.randomUUID();
    UUID photo = UUID.randomUUID();
    CachePurgeRequested request = new CachePurgeRequested(purgeId, List.of(edge.baseUrl() + "/thumb/" + photo
        + "/256.webp", edge.baseUrl() + "/thumb/" + photo + "/512.webp"), null, false, false, "api");
    try (KafkaTestClient kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers())) {
      kafka.send(MessageCatalog.CACHE_PURGE_REQUESTED.topic(), request.key(),
          TestCommands.headers(MessageCatalog.CACHE_PURGE_REQUESTED, UUID.randomUUID().toString(), request.key(),
              null), codec.encode(request).getBytes(StandardCharsets.UTF_8));
      CachePurged purged = codec.decode(MessageCatalog.CACHE_PURGED, kafka.await(MessageCatalog.CACHE_PURGED.topic(),
          r -> purgeId.toString().equals(r.key()), Duration.ofSeconds(60)).value());
      assertThat(purged.checkedUrls()).isEqualTo(2);
      assertThat(purged.checkedMisses()).isEqualTo(1);
    }
  }
}
