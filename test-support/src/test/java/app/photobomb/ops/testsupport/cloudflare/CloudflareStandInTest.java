package app.photobomb.ops.testsupport.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Cloudflare stand-in over real HTTP on loopback: its API's checks and limits, and its edge cache. */
class CloudflareStandInTest {

  private static final String TOKEN = "test-token";
  private static final String ZONE = "0c0ffee0000000000000000000000001";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  Path thumbnails;

  private CloudflareStandIn cloudflare;

  @AfterEach
  void stop() {
    if (cloudflare != null) {
      cloudflare.close();
    }
  }

  @Test
  void prefixPurgesOverTheRequestBucketAnswer429WithARetryAfterThatHolds() throws Exception {
    start(new CloudflarePlanLimits("tiny", 1, 2, 1500, 100, 100));
    String prefixes = "{\"prefixes\":[\"127.0.0.1/thumb/a/\"]}";
    assertThat(purge(prefixes).statusCode()).isEqualTo(200);
    assertThat(purge(prefixes).statusCode()).isEqualTo(200);

    HttpResponse<String> limited = purge(prefixes);
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(limited.body()).contains("\"success\":false").contains("\"code\":971");
    assertThat(cloudflare.rateLimited()).isEqualTo(1);

    // after the Retry-After it said, the bucket has a token again
    await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> purge(prefixes).statusCode() == 200);
    assertThat(cloudflare.rateLimited()).isEqualTo(1);
    assertThat(cloudflare.purgeCalls()).isEqualTo(3);
    assertThat(cloudflare.calls()).isEqualTo(4);
  }

  @Test
  void purgesByUrlSpendTheUrlRateAndAtMostAHundredGoInOneCall() throws Exception {
    start(new CloudflarePlanLimits("tiny", 1, 1, 150, 100, 100));
    assertThat(purge(files(0, 100)).statusCode()).isEqualTo(200);

    HttpResponse<String> limited = purge(files(100, 200));
    assertThat(limited.statusCode()).as("50 URL tokens left, 100 asked").isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(purge("{\"prefixes\":[\"127.0.0.1/thumb/a/\"]}").statusCode())
        .as("a purge by prefix spends the request bucket, not the URL rate").isEqualTo(200);

    HttpResponse<String> tooMany = purge(files(0, 101));
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(tooMany.body()).contains("\"code\":1016");
    assertThat(purge("{\"tags\":[\"x\"]}").body()).contains("\"code\":1012");
    assertThat(cloudflare.urlsPurged()).isEqualTo(101);
    assertThat(cloudflare.rateLimited()).isEqualTo(1);
    assertThat(cloudflare.refused()).isEqualTo(2);
  }

  @Test
  void purgesWithoutTheTokenOrForAnotherZoneAreRefusedWithCloudflaresErrors() throws Exception {
    start(CloudflarePlanLimits.PRO);
    String body = "{\"purge_everything\":true}";

    HttpResponse<String> none = send(HttpRequest.newBuilder(purgeUri(ZONE))
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).isEqualTo(
        "{\"success\":false,\"errors\":[{\"code\":10000,\"message\":\"Authentication error\"}],\"messages\":[],"
            + "\"result\":null}");

    HttpResponse<String> wrong = send(HttpRequest.newBuilder(purgeUri(ZONE)).header("Authorization", "Bearer nope")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(wrong.body()).contains("\"code\":10000").contains("Authentication error");

    HttpResponse<String> otherZone = send(HttpRequest.newBuilder(purgeUri("another-zone"))
        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(otherZone.statusCode()).isEqualTo(400);
    assertThat(otherZone.body()).contains("\"code\":7003");

    assertThat(cloudflare.refused()).isEqualTo(3);
    assertThat(cloudflare.purgeCalls()).isZero();
  }

  @Test
  void thumbnailIsAMissThenAHitServedAsFetchedUntilAPurgeNamesItsUrlPrefixOrEverything() throws Exception {
    start(CloudflarePlanLimits.PRO);
    String photo = UUID.randomUUID().toString();
    String other = UUID.randomUUID().toString();
    Path file = thumbnail(photo, 512, "first");
    thumbnail(other, 512, "other");
    String url = cloudflare.baseUrl() + "/thumb/" + photo + "/512.webp";

    assertThat(fetch(url, "GET")).isEqualTo("MISS first");
    assertThat(fetch(url, "HEAD")).isEqualTo("HIT ");
    Files.writeString(file, "second");
    assertThat(fetch(url, "GET")).as("the cached copy until a purge").isEqualTo("HIT first");
    assertThat(fetch(cloudflare.baseUrl() + "/thumb/" + other + "/512.webp", "GET")).isEqualTo("MISS other");

    assertThat(purge("{\"files\":[\"" + url + "\"]}").statusCode()).isEqualTo(200);
    assertThat(fetch(url, "HEAD")).isEqualTo("MISS ");
    assertThat(fetch(url, "GET")).isEqualTo("HIT second");

    assertThat(purge("{\"prefixes\":[\"127.0.0.1/thumb/" + photo + "/\"]}").statusCode()).isEqualTo(200);
    assertThat(fetch(url, "GET")).isEqualTo("MISS second");
    assertThat(fetch(cloudflare.baseUrl() + "/thumb/" + other + "/512.webp", "GET"))
        .as("a photo no purge named").isEqualTo("HIT other");

    assertThat(purge("{\"purge_everything\":true}").statusCode()).isEqualTo(200);
    assertThat(fetch(cloudflare.baseUrl() + "/thumb/" + other + "/512.webp", "HEAD")).isEqualTo("MISS ");

    Files.delete(file);
    assertThat(purge("{\"files\":[{\"url\":\"" + url + "\"}]}").statusCode()).isEqualTo(200);
    HttpResponse<String> gone = send(HttpRequest.newBuilder(URI.create(url)).method("HEAD",
        HttpRequest.BodyPublishers.noBody()));
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(gone.headers().firstValue("cf-cache-status")).hasValue("MISS");
    assertThat(cloudflare.cacheHits()).isEqualTo(4);
  }

  @Test
  void aCreatedTokenIsActiveAndPurgesUntilItIsDeletedThenItIsRefusedAtOnce() throws Exception {
    start(CloudflarePlanLimits.PRO);
    HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(cloudflare.apiUrl() + "/user/tokens"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"photobomb-cdn-2026-12\",\"policies\":[{\"effect\":"
            + "\"allow\",\"resources\":{\"com.cloudflare.api.account.zone." + ZONE + "\":\"*\"},"
            + "\"permission_groups\":[{\"id\":\"c8fed203ed3043cba015a93ad1616f1f\",\"name\":\"Cache Purge\"}]}]}")));
    assertThat(created.statusCode()).isEqualTo(200);
    JsonNode result = JSON.readTree(created.body()).path("result");
    assertThat(JSON.readTree(created.body()).path("success").asBoolean()).isTrue();
    String id = result.path("id").asString();
    String value = result.path("value").asString();
    assertThat(id).hasSize(32);
    assertThat(value).hasSize(40).isNotEqualTo(TOKEN);
    assertThat(result.path("name").asString()).isEqualTo("photobomb-cdn-2026-12");
    assertThat(result.path("status").asString()).isEqualTo("active");
    assertThat(result.path("policies").path(0).path("permission_groups").path(0).path("name").asString())
        .isEqualTo("Cache Purge");
    assertThat(cloudflare.liveTokens()).hasSize(2).containsEntry(id, "photobomb-cdn-2026-12")
        .doesNotContainValue(value);

    HttpResponse<String> verified = verify(value);
    assertThat(verified.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(verified.body()).path("result").path("id").asString()).isEqualTo(id);
    assertThat(JSON.readTree(verified.body()).path("result").path("status").asString()).isEqualTo("active");
    assertThat(purge(value, "{\"purge_everything\":true}").statusCode()).isEqualTo(200);
    assertThat(purge(TOKEN, "{\"purge_everything\":true}").statusCode())
        .as("the configured token stays live beside the new one").isEqualTo(200);

    HttpResponse<String> deleted = send(HttpRequest.newBuilder(URI.create(cloudflare.apiUrl() + "/user/tokens/"
        + id)).header("Authorization", "Bearer " + TOKEN).DELETE());
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(deleted.body()).path("result").path("id").asString()).isEqualTo(id);

    HttpResponse<String> refused = purge(value, "{\"purge_everything\":true}");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).isEqualTo("{\"success\":false,\"errors\":[{\"code\":10000,\"message\":"
        + "\"Authentication error\"}],\"messages\":[],\"result\":null}");
    HttpResponse<String> invalid = verify(value);
    assertThat(invalid.statusCode()).isEqualTo(401);
    assertThat(invalid.body()).contains("\"success\":false").contains("\"code\":1000")
        .contains("Invalid API Token");
    assertThat(cloudflare.liveTokens()).hasSize(1).containsValue("configured").doesNotContainKey(id);
    assertThat(purge(TOKEN, "{\"purge_everything\":true}").statusCode()).isEqualTo(200);
    assertThat(cloudflare.purgeCalls()).isEqualTo(3);
  }

  @Test
  void tokenCallsWithoutALiveTokenOrWithoutANameOrPoliciesAreRefusedWithCloudflaresErrors() throws Exception {
    start(CloudflarePlanLimits.PRO);
    URI tokens = URI.create(cloudflare.apiUrl() + "/user/tokens");
    String body = "{\"name\":\"x\",\"policies\":[{\"effect\":\"allow\"}]}";

    assertThat(send(HttpRequest.newBuilder(tokens).POST(HttpRequest.BodyPublishers.ofString(body))).statusCode())
        .isEqualTo(401);
    HttpResponse<String> wrong = send(HttpRequest.newBuilder(tokens).header("Authorization", "Bearer nope")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(wrong.body()).contains("\"code\":10000");
    assertThat(send(HttpRequest.newBuilder(tokens).header("Authorization", "Bearer " + TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}"))).statusCode()).isEqualTo(400);
    assertThat(send(HttpRequest.newBuilder(URI.create(tokens + "/0123456789abcdef0123456789abcdef"))
        .header("Authorization", "Bearer " + TOKEN).DELETE()).statusCode()).isEqualTo(404);
    assertThat(verify("nope").statusCode()).isEqualTo(401);
    assertThat(verify(TOKEN).statusCode()).isEqualTo(200);
    assertThat(cloudflare.liveTokens()).hasSize(1).containsValue("configured");
  }

  private void start(CloudflarePlanLimits plan) {
    cloudflare = CloudflareStandIn.start(new CloudflareStandIn.Settings(0, TOKEN, ZONE, plan, thumbnails));
  }

  private Path thumbnail(String photo, int size, String content) throws IOException {
    Path file = thumbnails.resolve("thumbs").resolve(photo).resolve(size + ".webp");
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  /** The answer's cf-cache-status and body, as "HIT body". */
  private static String fetch(String url, String method) throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)).method(method,
        HttpRequest.BodyPublishers.noBody()));
    assertThat(response.statusCode()).isEqualTo(200);
    return response.headers().firstValue("cf-cache-status").orElse("none") + " " + response.body();
  }

  private HttpResponse<String> purge(String body) throws Exception {
    return purge(TOKEN, body);
  }

  private HttpResponse<String> purge(String token, String body) throws Exception {
    return send(HttpRequest.newBuilder(purgeUri(ZONE)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> verify(String token) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(cloudflare.apiUrl() + "/user/tokens/verify"))
        .header("Authorization", "Bearer " + token).GET());
  }

  private URI purgeUri(String zone) {
    return URI.create(cloudflare.apiUrl() + "/zones/" + zone + "/purge_cache");
  }

  private String files(int from, int to) {
    return IntStream.range(from, to).mapToObj(n -> "\"" + cloudflare.baseUrl() + "/thumb/p" + n + "/256.webp\"")
        .collect(Collectors.joining(",", "{\"files\":[", "]}"));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }
}
