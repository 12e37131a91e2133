package app.photobomb.ops.platform.rotation;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cloudflare user API tokens: create ({@code POST /user/tokens}), list by name, delete, and verify (which tells a
 * token's id from its value). The roll call is not used: it invalidates the old value at once.
 */
@Component
public class CloudflareTokens {

  /** A created token: its id, and its value, which Cloudflare shows in this answer only. */
  record Created(String id, String value) {
    @Override
    public String toString() {
      return "token " + id;
    }
  }

  private final RotationProperties.Cloudflare properties;
  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();

  CloudflareTokens(RotationProperties properties) {
    this.properties = properties.cloudflare();
  }

  Created create(String name) throws IOException, InterruptedException {
    List<Object> policies = List.of(Map.of("effect", "allow",
        "resources", Map.of("com.cloudflare.api.account.zone." + properties.zoneId(), "*"),
        "permission_groups", properties.permissionGroups().stream().map(id -> Map.of("id", id)).toList()));
    JsonNode result = call("POST", "/user/tokens", properties.adminToken(),
        json.writeValueAsString(Map.of("name", name, "policies", policies))).orElseThrow(
            () -> new IOException("Cloudflare answered POST /user/tokens without a result"));
    return new Created(result.path("id").asString(), result.path("value").asString());
  }

  /** The id of the live token with this value, empty when it is not live. */
  Optional<String> idOf(String value) throws IOException, InterruptedException {
    return call("GET", "/user/tokens/verify", value, null).map(result -> result.path("id").asString());
  }

  /** The ids of the tokens with this name ({@code GET /user/tokens}, every page; the values are never listed). */
  List<String> named(String name) throws IOException, InterruptedException {
    List<String> ids = new ArrayList<>();
    for (int page = 1; ; page++) {
      JsonNode answer = answer("GET", "/user/tokens?per_page=50&page=" + page, properties.adminToken(), null)
          .orElseThrow(() -> new IOException("Cloudflare answered GET /user/tokens with 404"));
      answer.path("result").forEach(token -> {
        if (name.equals(token.path("name").asString())) {
          ids.add(token.path("id").asString());
        }
      });
      if (answer.path("result").isEmpty() || page >= answer.path("result_info").path("total_pages").asInt(1)) {
        return ids;
      }
    }
  }

  /** Deletes the token; false when it was gone already. */
  boolean delete(String id) throws IOException, InterruptedException {
    return call("DELETE", "/user/tokens/" + id, properties.adminToken(), null).isPresent();
  }

  /** The answer's result; empty on 401 / 404 (a token not live, not found); an error otherwise. */
  private Optional<JsonNode> call(String method, String path, String bearer, String body)
      throws IOException, InterruptedException {
    return answer(method, path, bearer, body).map(answer -> answer.path("result"));
  }

  /** The whole answer (result and result_info); empty on 401 / 404; an error otherwise. */
  private Optional<JsonNode> answer(String method, String path, String bearer, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(properties.apiUrl().replaceAll("/+$", "") + path))
        .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 404 || response.statusCode() == 401 && path.endsWith("/verify")) {
      return Optional.empty();
    }
    if (response.statusCode() / 100 != 2) {
      // the errors only: a create's answer would hold the value, but a failed one has none
      throw new IOException("Cloudflare answered " + method + " " + path.replaceAll("tokens/[^/]+$", "tokens/<id>")
          + " with " + response.statusCode() + ": " + json.readTree(response.body()).path("errors"));
    }
    return Optional.of(json.readTree(response.body()));
  }
}
