package app.photobomb.ops.platform.rollback;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One check of the release serving now, as progressive-delivery tools analyse a rollout (Argo Rollouts, Flagger):
 * the API's health endpoint answers 2xx, and where Prometheus is configured, the error rate is at most the limit.
 */
@Component
public class ReleaseHealth {

  /** What one check saw: passed or not, and in words. */
  public record Check(boolean passed, String detail) {
  }

  private final RollbackProperties properties;
  private final HttpClient http;
  private final JsonMapper json = JsonMapper.builder().build();

  ReleaseHealth(RollbackProperties properties) {
    this.properties = properties;
    this.http = HttpClient.newBuilder().connectTimeout(properties.checkTimeout())
        .followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  /** Runs one check; an unreachable endpoint is a failed check, not an error. */
  public Check check() throws InterruptedException {
    Check health = health();
    if (!health.passed() || properties.prometheusUrl().isBlank()) {
      return health;
    }
    Check errors = errorRate();
    return new Check(errors.passed(), health.detail() + ", " + errors.detail());
  }

  private Check health() throws InterruptedException {
    try {
      int status = get(properties.healthUrl()).statusCode();
      return new Check(status / 100 == 2, "health " + status);
    } catch (IOException e) {
      return new Check(false, "health unreachable (" + e + ")");
    }
  }

  private Check errorRate() throws InterruptedException {
    String url = properties.prometheusUrl().replaceAll("/+$", "") + "/api/v1/query?query="
        + URLEncoder.encode(properties.errorRateQuery(), StandardCharsets.UTF_8);
    HttpResponse<String> response;
    try {
      response = get(url);
    } catch (IOException e) {
      return new Check(false, "Prometheus unreachable (" + e + ")");
    }
    if (response.statusCode() != 200) {
      return new Check(false, "Prometheus answered " + response.statusCode());
    }
    JsonNode result = json.readTree(response.body()).path("data").path("result");
    if (result.isEmpty()) {
      // 0/0: no requests in the query's window; the health check alone decides
      return new Check(true, "error rate: no data");
    }
    double rate;
    try {
      rate = Double.parseDouble(result.get(0).path("value").path(1).asString());
    } catch (NumberFormatException e) {
      return new Check(false, "error rate unreadable: " + result.get(0).path("value"));
    }
    if (Double.isNaN(rate)) {
      return new Check(true, "error rate: no data");
    }
    return new Check(rate <= properties.maxErrorRate(), "error rate " + rate
        + (rate <= properties.maxErrorRate() ? " within " : " above ") + properties.maxErrorRate());
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(properties.checkTimeout()).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
