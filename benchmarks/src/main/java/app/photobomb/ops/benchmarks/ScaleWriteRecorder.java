package app.photobomb.ops.benchmarks;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.concurrent.CompletableFuture;

/**
 * Fabric8's CRUD dispatcher (the mock server's state, as the real client sees it) that notes when a write of one
 * deployment's replicas arrives: a PUT or PATCH of {@code .../deployments/NAME/scale} or of the deployment itself,
 * stamped with {@link System#nanoTime()} as the dispatcher receives the request (headers and body read), before the
 * CRUD state handles it. Only writes while armed count, so the benchmark's own resets are not taken for the service's.
 */
final class ScaleWriteRecorder extends KubernetesCrudDispatcher {

  private final String deploymentPath;
  private volatile CompletableFuture<Long> armed;

  ScaleWriteRecorder(String namespace, String deployment) {
    this.deploymentPath = "/apis/apps/v1/namespaces/" + namespace + "/deployments/" + deployment;
  }

  /** The receipt time of the next successful replica write, from now on. */
  CompletableFuture<Long> arm() {
    CompletableFuture<Long> next = new CompletableFuture<>();
    armed = next;
    return next;
  }

  void disarm() {
    armed = null;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    long received = System.nanoTime();
    MockResponse response = super.dispatch(request);
    CompletableFuture<Long> waiting = armed;
    if (waiting != null && isReplicaWrite(request) && response.code() / 100 == 2) {
      waiting.complete(received);
    }
    return response;
  }

  private boolean isReplicaWrite(RecordedRequest request) {
    String method = request.getMethod();
    String path = request.getPath();
    int query = path.indexOf('?');
    String bare = query < 0 ? path : path.substring(0, query);
    return ("PUT".equals(method) || "PATCH".equals(method))
        && (bare.equals(deploymentPath) || bare.equals(deploymentPath + "/scale"));
  }
}
