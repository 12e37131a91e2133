package app.photobomb.ops.cli.status;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  /** One row per service (null URL: not configured), then one per breaker of the services that answered. */
  List<StatusRow> rows(Map<String, String> urls) {
    List<StatusRow> services = new ArrayList<>();
    List<StatusRow> breakers = new ArrayList<>();
    urls.forEach((service, url) -> {
      if (url == null) {
        services.add(StatusRow.ok("service", service, "NOT CHECKED", "no URL: set --service-url " + service
            + "=URL or " + service.toUpperCase().replace('-', '_') + "_URL"));
        return;
      }
      String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
      try {
        HttpResponse<String> health = get(base + "/healthz");
        Matcher status = STATUS.matcher(health.body());
        String state = status.find() ? status.group(1) : "HTTP " + health.statusCode();
        boolean up = health.statusCode() == 200 && state.equals("UP");
        services.add(new StatusRow("service", service, state, base, up));
      } catch (Exception e) {
        services.add(StatusRow.unreachable("service", service, e));
        return;
      }
      breakers.addAll(breakers(service, base));
    });
    services.addAll(breakers);
    return services;
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
