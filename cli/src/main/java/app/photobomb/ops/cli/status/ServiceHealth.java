package app.photobomb.ops.cli.status;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each service's {@code /healthz} (Actuator: 200 and UP, or 503 and DOWN) and its storage circuit breakers, read
 * from its {@code /prometheus} metrics (Resilience4j's {@code resilience4j_circuitbreaker_state}, 1 for the state
 * each breaker is in).
 */
final class ServiceHealth {

  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([A-Z_]+)\"");
  private static final Pattern BREAKER = Pattern.compile(
      "^resilience4j_circuitbreaker_state\\{(.*)}\\s+([0-9.eE+-]+)$", Pattern.MULTILINE);
  private static final Pattern NAME = Pattern.compile("(?:^|,)name=\"([^\"]*)\"");
  private static final Pattern STATE = Pattern.compile("(?:^|,)state=\"([^\"]*)\"");

  private final HttpClient http;
  private final Duration timeout;

  ServiceHealth(Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
  }

  /**
   * One row per service (null URL: not configured), then one per breaker of the services that answered; the
   * services are asked at once.
   */
  List<StatusRow> rows(Map<String, String> urls) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, urls.size()));
    try {
      List<CompletableFuture<List<StatusRow>>> answers = new ArrayList<>();
      urls.forEach((service, url) -> answers.add(CompletableFuture.supplyAsync(() -> rows(service, url), pool)));
      List<StatusRow> services = new ArrayList<>();
      List<StatusRow> breakers = new ArrayList<>();
      for (CompletableFuture<List<StatusRow>> answer : answers) {
        List<StatusRow> rows = answer.join();
        services.add(rows.get(0));
        breakers.addAll(rows.subList(1, rows.size()));
      }
      services.addAll(breakers);
      return services;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The service's health row first, then its breakers' rows. */
  private List<StatusRow> rows(String service, String url) {
    if (url == null) {
      return List.of(StatusRow.ok("service", service, "NOT CHECKED", "no URL: set --service-url " + service
          + "=URL or " + service.toUpperCase().replace('-', '_') + "_URL"));
    }
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    List<StatusRow> rows = new ArrayList<>();
    try {
      HttpResponse<String> health = get(base + "/healthz");
      Matcher status = STATUS.matcher(health.body());
      String state = status.find() ? status.group(1) : "HTTP " + health.statusCode();
      rows.add(new StatusRow("service", service, state, base, health.statusCode() == 200 && state.equals("UP")));
    } catch (Exception e) {
      return List.of(StatusRow.unreachable("service", service, e));
    }
    rows.addAll(breakers(service, base));
    return rows;
  }

  private List<StatusRow> breakers(String service, String base) {
    List<StatusRow> rows = new ArrayList<>();
    try {
      HttpResponse<String> metrics = get(base + "/prometheus");
      if (metrics.statusCode() != 200) {
        return List.of(StatusRow.unhealthy("breaker", service, StatusRow.UNREACHABLE,
            "/prometheus answered HTTP " + metrics.statusCode()));
      }
      Matcher line = BREAKER.matcher(metrics.body());
      while (line.find()) {
        Matcher name = NAME.matcher(line.group(1));
        Matcher state = STATE.matcher(line.group(1));
        if (Double.parseDouble(line.group(2)) == 1.0 && name.find() && state.find()) {
          String value = state.group(1).toUpperCase();
          // open, half-open or forced open: writes go to the fallback store or the retry queue (runbook task 4)
          rows.add(new StatusRow("breaker", service + " " + name.group(1), value, "object store",
              value.equals("CLOSED") || value.equals("DISABLED")));
        }
      }
    } catch (Exception e) {
      rows.add(StatusRow.unreachable("breaker", service, e));
    }
    return rows;
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
