package app.photobomb.ops.cdn.cloudflare;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The runbook's validation after a purge ({@code curl -I .../512.webp | grep X-Cache}), automated: HEAD a sample of
 * the purged URLs and count those the edge answers {@code cf-cache-status} MISS or EXPIRED (fetched from the origin,
 * so the purge took). A URL that cannot be fetched counts as checked, not missed.
 */
@Component
public class CacheCheck {

  private static final Logger log = LoggerFactory.getLogger(CacheCheck.class);
  private static final Set<String> FRESH = Set.of("MISS", "EXPIRED");
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();

  /** How many of {@code urls} answer MISS or EXPIRED now. */
  public int misses(List<String> urls) {
    int misses = 0;
    for (String url : urls) {
      try {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        String status = response.headers().firstValue("cf-cache-status").orElse("");
        if (FRESH.contains(status.toUpperCase(java.util.Locale.ROOT))) {
          misses++;
        } else {
          log.info("{} answers cf-cache-status {} after its purge", url, status.isEmpty() ? "(none)" : status);
        }
      } catch (IOException | IllegalArgumentException e) {
        log.info("{} could not be checked after its purge: {}", url, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return misses;
  }
}
