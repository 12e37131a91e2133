package app.photobomb.ops.storage.b2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import app.photobomb.ops.common.storage.ObjectStoreException;
import app.photobomb.ops.common.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter's retries against a fake B2 that throttles or is down: bounded in attempts and in time. */
class B2RetryTest {

  private static final String BUCKET = "photobomb-retries";
  private static final int MAX_ATTEMPTS = 3;

  @TempDir
  Path root;
  private FakeB2Server server;
  private B2ObjectStore store;

  @BeforeEach
  void start() throws IOException {
    server = new FakeB2Server(root).start();
    server.createBucket(BUCKET);
    store = B2ObjectStore.create(server.clientProperties(MAX_ATTEMPTS));
  }

  @AfterEach
  void stop() {
    store.close();
    server.close();
  }

  @Test
  void a429IsRetriedAfterItsRetryAfterAndSucceeds() {
    StoredObject stored = put(key("throttled.jpg"), 100);
    int listsBefore = server.calls("b2_list_file_versions");
    server.throttleNextCalls(1);

    long started = System.nanoTime();
    assertThat(store.stat(BUCKET, stored.key())).isPresent();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

    assertThat(server.calls("b2_list_file_versions") - listsBefore).isEqualTo(2);
    assertThat(elapsed).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
  }

  @Test
  void anOutageLongerThanMaxAttemptsFailsWithinBoundedTime() {
    StoredObject stored = put(key("outage.jpg"), 100);
    int listsBefore = server.calls("b2_list_file_versions");
    server.unavailable(true);

    long started = System.nanoTime();
    assertThatThrownBy(() -> store.stat(BUCKET, stored.key()))
        .isInstanceOf(ObjectStoreException.class)
        .hasMessageContaining("stat")
        .hasMessageContaining(BUCKET + "/" + stored.key())
        .hasMessageContaining("503")
        .hasMessageNotContaining(server.applicationKey());
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

    assertThat(server.calls("b2_list_file_versions") - listsBefore).isEqualTo(MAX_ATTEMPTS);
    assertThat(elapsed).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aPutDuringAnOutageFailsAndStoresNothing() {
    put(key("warm-up.jpg"), 10);
    int versionsBefore = server.versionCount();
    server.unavailable(true);

    assertThatThrownBy(() -> put(key("during-outage.jpg"), 5000)).isInstanceOf(ObjectStoreException.class)
        .hasMessageContaining("put");

    server.unavailable(false);
    assertThat(server.versionCount()).isEqualTo(versionsBefore);
  }

  @Test
  void aPutWhoseBodyWasSentIsNotReplayedFromAOneShotStream() {
    put(key("warm-up.jpg"), 10);
    String key = key("throttled-upload.jpg");
    int uploadsBefore = server.calls("b2_upload_file");
    server.throttleNextCalls(1);

    assertThatThrownBy(() -> put(key, 5000)).isInstanceOf(ObjectStoreException.class)
        .hasMessageContaining("cannot be replayed");

    assertThat(server.calls("b2_upload_file") - uploadsBefore).isEqualTo(1);
    assertThat(store.stat(BUCKET, key)).isEmpty();
  }

  @Test
  void aPutRetriesWhileNoByteWasTaken() {
    server.throttleNextCalls(2);

    StoredObject stored = put(key("first.jpg"), 5000);

    assertThat(store.stat(BUCKET, stored.key())).isPresent();
  }

  private StoredObject put(String key, int size) {
    return store.put(BUCKET, key, new ByteArrayInputStream(new byte[size]), size, "image/jpeg");
  }

  private static String key(String name) {
    return "retries/" + UUID.randomUUID() + "/" + name;
  }
}
