package app.photobomb.ops.cdn.cloudflare;

import app.photobomb.ops.cdn.config.CdnProperties;
import app.photobomb.ops.common.messaging.PayloadCodec;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

/**
 * Cloudflare's purge_cache endpoint (Cloudflare publishes no Java SDK): {@code POST /zones/{zone}/purge_cache} with
 * {@code files}, {@code prefixes} or {@code purge_everything}, the API token as a bearer token (never logged).
 */
@Component
public class CloudflareClient {

  private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

  private final RestClient rest;
  private final PayloadCodec codec;
  private final String zoneId;

  public CloudflareClient(CdnProperties properties, PayloadCodec codec) {
    CdnProperties.Cloudflare cloudflare = properties.cloudflare();
    // HTTP/1.1: a few calls a second need no multiplexing, and the JDK client's h2c upgrade on plain http (a local
    // stand-in) ends in EOF with Jetty
    JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(cloudflare.requestTimeout()).build());
    requests.setReadTimeout(cloudflare.requestTimeout());
    this.codec = codec;
    this.rest = RestClient.builder().baseUrl(cloudflare.apiUrl().toString()).requestFactory(requests)
        .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + cloudflare.apiToken()).build();
    this.zoneId = cloudflare.zoneId();
  }

  public PurgeAnswer purgeFiles(List<String> urls) {
    return purge(Map.of("files", urls));
  }

  public PurgeAnswer purgePrefixes(List<String> prefixes) {
    return purge(Map.of("prefixes", prefixes));
  }

  public PurgeAnswer purgeEverything() {
    return purge(Map.of("purge_everything", true));
  }

  private PurgeAnswer purge(Map<String, Object> body) {
    try {
      return rest.post().uri("/zones/{zone}/purge_cache", zoneId).contentType(MediaType.APPLICATION_JSON).body(body)
          .exchange((request, response) -> answer(response.getStatusCode(), response.getHeaders(),
              json(response.bodyTo(String.class))), true);
    } catch (ResourceAccessException e) {
      return new PurgeAnswer.Unavailable("no answer from Cloudflare: " + e.getMostSpecificCause().getMessage());
    }
  }

  /** The answer's JSON; null when there is none or it is not JSON (a proxy's HTML error page). */
  private JsonNode json(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return codec.readTree(body);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static PurgeAnswer answer(HttpStatusCode status, HttpHeaders headers, JsonNode body) {
    if (status.value() == 429) {
      return new PurgeAnswer.RateLimited(retryAfter(headers.getFirst(HttpHeaders.RETRY_AFTER)));
    }
    if (status.is5xxServerError()) {
      return new PurgeAnswer.Unavailable("Cloudflare answered HTTP " + status.value() + errors(body));
    }
    if (status.is2xxSuccessful() && body != null && body.path("success").asBoolean(false)) {
      return new PurgeAnswer.Purged();
    }
    return new PurgeAnswer.Rejected("cloudflare_error: HTTP " + status.value() + errors(body));
  }

  /** Cloudflare's {@code errors: [{code, message}]}, as "; 1012 message" (its codes say what to fix). */
  private static String errors(JsonNode body) {
    if (body == null || !body.path("errors").isArray() || body.path("errors").isEmpty()) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode error : body.path("errors")) {
      text.append("; ").append(error.path("code").asString()).append(' ').append(error.path("message").asString());
    }
    return text.toString();
  }

  private static Duration retryAfter(String header) {
    if (header == null) {
      return DEFAULT_RETRY_AFTER;
    }
    try {
      return Duration.ofSeconds(Math.max(1, Long.parseLong(header.trim())));
    } catch (NumberFormatException e) {
      return DEFAULT_RETRY_AFTER;
    }
  }
}
