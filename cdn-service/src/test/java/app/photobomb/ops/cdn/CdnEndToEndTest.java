package app.photobomb.ops.cdn;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.events.CachePurgeFailed;
import app.photobomb.ops.common.events.CachePurgeRequested;
import app.photobomb.ops.common.events.CachePurged;
import app.photobomb.ops.common.events.MessageCatalog;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PhotobombMessage;
import app.photobomb.ops.common.events.ThumbnailsRegenerated;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.common.messaging.TestCommands;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.KafkaTestClient;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The cdn-service end to end: requests in over the real Kafka, purges recorded in PostgreSQL, Cloudflare's
 * purge_cache answered by WireMock on loopback (the real HTTP client against it), answers out over Kafka.
 */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(properties = {"spring.config.name=" + CdnServiceApplication.CONFIG_NAME,
    "photobomb.cdn.send-interval=50ms",
    "photobomb.cdn.max-attempts=3",
    "photobomb.cdn.retry-backoff=100ms",
    "photobomb.cdn.purge-everything-operators=oncall-ops",
    "photobomb.cdn.cloudflare.api-token=test-token",
    "photobomb.cdn.cloudflare.zone-id=zone123"})
class CdnEndToEndTest {

  private static final String PURGE_PATH = "/client/v4/zones/zone123/purge_cache";
  private static final String OK = "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":{\"id\":\"zone123\"}}";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String DATABASE = "cdn_e2e";
  private static final WireMockServer cloudflare = new WireMockServer(options().bindAddress("127.0.0.1")
      .dynamicPort());
  private static KafkaTestClient kafka;

  private final JdbcTemplate jdbc = new JdbcTemplate(RealServers.adminDataSource(DATABASE));
  @Autowired
  PayloadCodec codec;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, DATABASE, DatabaseRole.CDN);
    cloudflare.start();
    registry.add("photobomb.cdn.cloudflare.api-url", () -> cloudflare.baseUrl() + "/client/v4");
  }

  @BeforeAll
  static void connect() {
    kafka = new KafkaTestClient(RealServers.endpoints().kafkaBootstrapServers());
  }

  @AfterAll
  static void disconnect() {
    kafka.close();
    cloudflare.stop();
  }

  @BeforeEach
  void cloudflareAnswersSuccess() {
    cloudflare.resetAll();
    cloudflare.stubFor(post(urlEqualTo(PURGE_PATH)).atPriority(10).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(OK)));
  }

  @Test
  void photoIdsBecomeTheirThumbnailUrlsInOneAuthenticatedCall() {
    UUID purgeId = UUID.randomUUID();
    UUID photo = UUID.randomUUID();
    String correlationId = UUID.randomUUID().toString();
    send(MessageCatalog.CACHE_PURGE_REQUESTED, new CachePurgeRequested(purgeId, null, List.of(photo), false, false,
        "deletion-service"), correlationId);
    ConsumerRecord<String, byte[]> answer = kafka.await(MessageCatalog.CACHE_PURGED.topic(),
        r -> purgeId.toString().equals(r.key()), WAIT);
    CachePurged purged = codec.decode(MessageCatalog.CACHE_PURGED, answer.value());
    assertThat(purged.urlCount()).isEqualTo(3);
    assertThat(purged.requestCount()).isEqualTo(1);
    assertThat(KafkaTestClient.header(answer, "ce_correlationid")).isEqualTo(correlationId);
    cloudflare.verify(1, postRequestedFor(urlEqualTo(PURGE_PATH))
        .withHeader("Authorization", equalTo("Bearer test-token"))
        .withRequestBody(equalToJson("{\"files\":[\"https://cdn.photobomb.app/thumb/" + photo + "/256.webp\","
            + "\"https://cdn.photobomb.app/thumb/" + photo + "/512.webp\",\"https://cdn.photobomb.app/thumb/" + photo
            + "/1024.webp\"]}", true, false)));
  }

  @Test
  void requestsArrivingTogetherShareDeduplicatedCallsOfAtMostTheLimit() {
    List<String> first = urls(0, 150);
    List<String> second = urls(100, 220);
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    send(MessageCatalog.CACHE_PURGE_REQUESTED, new CachePurgeRequested(a, first, null, false, false, "api"), null);
    send(MessageCatalog.CACHE_PURGE_REQUESTED, new CachePurgeRequested(b, second, null, false, false, "api"), null);
    CachePurged purgedA = awaitPurged(a);
    CachePurged purgedB = awaitPurged(b);
    assertThat(purgedA.urlCount()).isEqualTo(150);
    assertThat(purgedB.urlCount()).isEqualTo(120);
    List<Set<String>> calls = calls();
    assertThat(calls).hasSize(3).allSatisfy(call -> assertThat(call).hasSizeLessThanOrEqualTo(100));
    Set<String> all = new HashSet<>();
    calls.forEach(all::addAll);
    assertThat(all).hasSize(220).containsAll(first).containsAll(second);
    assertThat(calls.stream().mapToInt(Set::size).sum()).isEqualTo(220);
  }

  @Test
  void rateLimitedCallWaitsItsRetryAfterThenSucceeds() {
    cloudflare.stubFor(post(urlEqualTo(PURGE_PATH)).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")
            .withBody("{\"success\":false,\"errors\":[{\"code\":971,\"message\":\"Please wait\"}]}"))
        .willSetStateTo("waited"));
    UUID purgeId = UUID.randomUUID();
    send(MessageCatalog.CACHE_PURGE_REQUESTED, new CachePurgeRequested(purgeId, urls(0, 3), null, false, false,
        "api"), null);
    awaitPurged(purgeId);
    List<LoggedRequest> requests = cloudflare.findAll(postRequestedFor(urlEqualTo(PURGE_PATH)));
    assertThat(requests).hasSize(2);
    assertThat(Duration.ofMillis(requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void serverErrorsBackOffThenTheRequestFailsWithItsUrls() {
    cloudflare.stubFor(post(urlEqualTo(PURGE_PATH)).atPriority(1).withRequestBody(containing("unavailable-photo"))
        .willReturn(aResponse().withStatus(503).withBody("<html>upstream down</html>")));
    UUID purgeId = UUID.randomUUID();
    String url = "https://cdn.photobomb.app/thumb/unavailable-photo/256.webp";
    send(MessageCatalog.CACHE_PURGE_REQUESTED, new CachePurgeRequested(purgeId, List.of(url), null, false, false,
        "api"), null);
    CachePurgeFailed failed = awaitFailed(purgeId);
    assertThat(failed.reason()).startsWith("cloudflare_unavailable:").contains("503").contains("3 attempts");
    assertThat(failed.urls()).containsExactly(url);
    cloudflare.verify(3, postRequestedFor(urlEqualTo(PURGE_PATH)));
  }

  @Test
  void refusalFailsAtOnceWithCloudflaresErrorCode() {
    cloudflare.stubFor(post(urlEqualTo(PURGE_PATH)).atPriority(1).withRequestBody(containing("refused-photo"))
        .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
            .withBody("{\"success\":false,\"errors\":[{\"code\":10000,\"message\":\"Authentication error\"}]}")));
    UUID purgeId = UUID.randomUUID();
    send(MessageCatalog.CACHE_PURGE_REQUESTED, new CachePurgeRequested(purgeId,
        List.of("https://cdn.photobomb.app/thumb/refused-photo/512.webp"), null, false, false, "api"), null);
    assertThat(awaitFailed(purgeId).reason()).startsWith("cloudflare_error:").contains("403")
        .contains("10000 Authentication error");
    cloudflare.verify(1, postRequestedFor(urlEqualTo(PURGE_PATH)));
  }

  @Test
  void badInputFailsWithAReasonAndNoCall() {
    UUID empty = UUID.randomUUID();
    UUID foreign = UUID.randomUUID();
    send(MessageCatalog.CACHE_PURGE_REQUESTED, new CachePurgeRequested(empty, null, null, false, false, "api"), null);
    send(MessageCatalog.CACHE_PURGE_REQUESTED, new CachePurgeRequested(foreign,
        List.of("https://evil.example.com/thumb/x/256.webp"), null, false, false, "api"), null);
    assertThat(awaitFailed(empty).reason()).startsWith("invalid_request:").contains("nothing to purge");
    assertThat(awaitFailed(foreign).reason()).startsWith("invalid_request:").contains("evil.example.com");
    cloudflare.verify(0, postRequestedFor(urlEqualTo(PURGE_PATH)));
  }

  @Test
  void purgeEverythingNeedsConfirmationAnAllowedOperatorAndItsInterval() {
    UUID unconfirmed = UUID.randomUUID();
    UUID stranger = UUID.randomUUID();
    UUID allowed = UUID.randomUUID();
    UUID again = UUID.randomUUID();
    send(MessageCatalog.CACHE_PURGE_REQUESTED, new CachePurgeRequested(unconfirmed, null, null, true, false,
        "oncall-ops"), null);
    send(MessageCatalog.CACHE_PURGE_REQUESTED, new CachePurgeRequested(stranger, null, null, true, true, "intern"),
        null);
    assertThat(awaitFailed(unconfirmed).reason()).startsWith("confirmation_required:");
    assertThat(awaitFailed(stranger).reason()).startsWith("not_allowed:").contains("intern");
    send(MessageCatalog.CACHE_PURGE_REQUESTED, new CachePurgeRequested(allowed, null, null, true, true,
        "oncall-ops"), null);
    awaitPurged(allowed);
    cloudflare.verify(1, postRequestedFor(urlEqualTo(PURGE_PATH))
        .withRequestBody(equalToJson("{\"purge_everything\":true}")));
    assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_logs WHERE action = 'cdn_purge_everything' "
        + "AND actor = 'oncall-ops' AND details->>'purge_id' = ?", Integer.class, allowed.toString())).isOne();
    send(MessageCatalog.CACHE_PURGE_REQUESTED, new CachePurgeRequested(again, null, null, true, true, "oncall-ops"),
        null);
    assertThat(awaitFailed(again).reason()).startsWith("too_soon:");
    cloudflare.verify(1, postRequestedFor(urlEqualTo(PURGE_PATH)));
  }

  @Test
  void regeneratedThumbnailsArePurgedWithoutAnAnswer() {
    UUID photo = UUID.randomUUID();
    send(MessageCatalog.THUMBNAILS_REGENERATED, new ThumbnailsRegenerated(photo, List.of(256, 512)), null);
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> calls().stream()
        .anyMatch(call -> call.contains("https://cdn.photobomb.app/thumb/" + photo + "/512.webp")));
    assertThat(calls()).containsExactly(Set.of("https://cdn.photobomb.app/thumb/" + photo + "/256.webp",
        "https://cdn.photobomb.app/thumb/" + photo + "/512.webp"));
    assertThat(jdbc.queryForObject("SELECT status FROM cdn_purges p JOIN cdn_purge_targets t USING (purge_id) "
        + "WHERE t.target LIKE ? LIMIT 1", String.class, "%" + photo + "%")).isEqualTo("purged");
  }

  private static List<String> urls(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "https://cdn.photobomb.app/thumb/p" + i + "/256.webp").toList();
  }

  /** The files of each purge_cache call WireMock received, in order. */
  private List<Set<String>> calls() {
    return cloudflare.findAll(postRequestedFor(urlEqualTo(PURGE_PATH))).stream().map(request -> {
      JsonNode files = codec.readTree(request.getBodyAsString()).path("files");
      Set<String> urls = new HashSet<>();
      files.forEach(url -> urls.add(url.asString()));
      return urls;
    }).toList();
  }

  private CachePurged awaitPurged(UUID purgeId) {
    return codec.decode(MessageCatalog.CACHE_PURGED, kafka.await(MessageCatalog.CACHE_PURGED.topic(),
        r -> purgeId.toString().equals(r.key()), WAIT).value());
  }

  private CachePurgeFailed awaitFailed(UUID purgeId) {
    return codec.decode(MessageCatalog.CACHE_PURGE_FAILED, kafka.await(MessageCatalog.CACHE_PURGE_FAILED.topic(),
        r -> purgeId.toString().equals(r.key()), WAIT).value());
  }

  private void send(MessageType<?> type, PhotobombMessage message, String correlationId) {
    kafka.send(type.topic(), message.key(), TestCommands.headers(type, UUID.randomUUID().toString(), message.key(),
        correlationId), codec.encode(message).getBytes(StandardCharsets.UTF_8));
  }
}
