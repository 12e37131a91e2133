package app.photobomb.ops.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The platform-service's Role in deploy/kubernetes/platform-service.yaml, and the RBAC request each API call the code
 * made against a mock API server is: tests hold the calls against the Role's rules.
 */
public final class KubernetesRole {

  private static final Path MANIFEST = Path.of("..", "deploy", "kubernetes", "platform-service.yaml");

  private final Role role;

  private KubernetesRole(Role role) {
    this.role = role;
  }

  public static KubernetesRole platformService() {
    try (InputStream in = Files.newInputStream(MANIFEST)) {
      List<HasMetadata> items = Serialization.unmarshal(in);
      return new KubernetesRole(items.stream().filter(Role.class::isInstance).map(Role.class::cast)
          .filter(role -> role.getMetadata().getName().equals("platform-service")).findFirst().orElseThrow());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Role role() {
    return role;
  }

  /** Every request the server received since the last call, as RBAC sees it. */
  public static List<Call> calls(KubernetesMockServer server) throws InterruptedException {
    List<Call> calls = new ArrayList<>();
    for (RecordedRequest request = server.takeRequest(1, TimeUnit.MILLISECONDS); request != null;
        request = server.takeRequest(1, TimeUnit.MILLISECONDS)) {
      calls.add(Call.of(request.getMethod(), request.getPath()));
    }
    return calls;
  }

  /** Whether a rule of the Role allows the call. */
  public boolean allows(Call call) {
    return role.getRules().stream().anyMatch(rule -> allows(rule, call));
  }

  /** The rule that grants the resource, for checking that it grants no more than the calls use. */
  public PolicyRule rule(String apiGroup, String resource) {
    List<PolicyRule> rules = role.getRules().stream().filter(rule -> rule.getApiGroups().contains(apiGroup)
        && rule.getResources().contains(resource)).toList();
    assertThat(rules).as("rules for " + apiGroup + "/" + resource).hasSize(1);
    return rules.get(0);
  }

  private static boolean allows(PolicyRule rule, Call call) {
    boolean named = rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
        || (call.name() != null && rule.getResourceNames().contains(call.name()));
    return rule.getApiGroups().contains(call.apiGroup()) && rule.getResources().contains(call.resource())
        && rule.getVerbs().contains(call.verb()) && named;
  }

  /**
   * One API call as RBAC authorizes it.
   *
   * @param name the object's name; null for a list
   */
  public record Call(String verb, String apiGroup, String resource, String name) {

    /** {@code /api/v1/namespaces/N/secrets/S} or {@code /apis/G/V/namespaces/N/R[/NAME[/SUB]]}, by method. */
    static Call of(String method, String path) {
      String[] parts = path.split("\\?", 2)[0].replaceFirst("^/", "").split("/");
      boolean core = parts[0].equals("api");
      String group = core ? "" : parts[1];
      int namespaces = core ? 2 : 3;
      assertThat(parts[namespaces]).as(path).isEqualTo("namespaces");
      String resource = parts[namespaces + 2];
      String name = parts.length > namespaces + 3 ? parts[namespaces + 3] : null;
      if (parts.length > namespaces + 4) {
        resource = resource + "/" + parts[namespaces + 4];
      }
      boolean watch = path.contains("watch=true");
      String verb = switch (method) {
        case "GET" -> watch ? "watch" : name == null ? "list" : "get";
        case "PATCH" -> "patch";
        case "PUT" -> "update";
        case "POST" -> "create";
        case "DELETE" -> name == null ? "deletecollection" : "delete";
        default -> throw new IllegalArgumentException(method + " " + path);
      };
      return new Call(verb, group, resource, name);
    }
  }
}
