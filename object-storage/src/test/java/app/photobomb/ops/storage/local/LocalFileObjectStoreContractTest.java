package app.photobomb.ops.storage.local;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.storage.ObjectStoreContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the local filesystem adapter, with its links served on loopback. */
class LocalFileObjectStoreContractTest extends ObjectStoreContract {

  @TempDir
  static Path root;
  private static LocalFileObjectStore store;
  private static LocalObjectServer server;

  @BeforeAll
  static void start() {
    LocalLinkSigner signer = new LocalLinkSigner("a-test-secret-of-enough-bytes".getBytes(StandardCharsets.UTF_8),
        Clock.systemUTC());
    LocalFileObjectStore unserved = new LocalFileObjectStore(root, signer, "http://127.0.0.1:1", Clock.systemUTC());
    server = LocalObjectServer.start(0, unserved, signer);
    store = new LocalFileObjectStore(root, signer, server.baseUrl(), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Override
  protected ObjectStore store() {
    return store;
  }

  @Override
  protected String bucket() {
    return "photobomb-originals";
  }

  @Test
  void writesLeaveNoTemporaryFilesBehind() throws Exception {
    put(uniqueKey("atomic.jpg"), randomBytes(10_000));

    try (var files = Files.walk(root)) {
      assertThat(files.filter(p -> p.toString().endsWith(".partial"))).isEmpty();
    }
  }

  @Test
  void tamperedOrExpiredLinksAreRefused() throws Exception {
    String key = uniqueKey("secret.zip");
    put(key, randomBytes(100));
    URI link = store.downloadLink(bucket(), key, Duration.ofMinutes(5));
    URI tampered = URI.create(link.toString().replace("secret.zip", "other.zip"));
    URI expired = store.downloadLink(bucket(), key, Duration.ofSeconds(-1));

    assertThat(status(tampered)).isEqualTo(403);
    assertThat(status(expired)).isEqualTo(403);
    assertThat(status(link)).isEqualTo(200);
  }

  private static int status(URI uri) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Override
  protected boolean uploadsOfUnknownSize() {
    return true;
  }
}
