package app.photobomb.ops.storage.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import app.photobomb.ops.common.database.SchemaMigrations;
import app.photobomb.ops.common.storage.MeasuredInputStream;
import app.photobomb.ops.common.storage.ObjectContent;
import app.photobomb.ops.common.storage.ObjectStoreException;
import app.photobomb.ops.common.storage.ObjectVersion;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.common.storage.VersionPage;
import app.photobomb.ops.storage.b2.B2ObjectStore;
import app.photobomb.ops.storage.b2.FakeB2Server;
import app.photobomb.ops.storage.s3.S3ObjectStore;
import app.photobomb.ops.storage.s3.S3ProxyServer;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.unit.DataSize;

/**
 * The runbook's storage outage, on loopback: B2 (the fake) fails every call for a while; its breaker opens
 * after 10 failures; writes land in R2 (s3proxy) or, while R2 is down too, in the durable retry queue; once
 * B2 is back the queue drains, and every object written during the test reads back with its checksum.
 */
@ExtendWith(RealServersExtension.class)
class StorageOutageTest {

  private static final String BUCKET = "photobomb-originals";
  private static final Duration OPEN_FOR = Duration.ofSeconds(2);

  @TempDir
  Path directory;
  private FakeB2Server b2Server;
  private B2ObjectStore b2;
  private S3ProxyServer r2Server;
  private S3ObjectStore r2;
  private UploadRetryQueue queue;
  private StoreBreakers breakers;
  private ResilientObjectStore store;
  private UploadRetryWorker worker;
  private JdbcTemplate jdbc;
  private PrometheusMeterRegistry meters;

  @BeforeEach
  void start() throws Exception {
    b2Server = new FakeB2Server(Files.createDirectories(directory.resolve("b2"))).start();
    b2Server.createBucket(BUCKET);
    // One attempt per call, so that each failed write is one failure for the breaker to count.
    b2 = B2ObjectStore.create(b2Server.clientProperties(1));
    r2Server = S3ProxyServer.filesystem(Files.createDirectories(directory.resolve("r2")));
    r2Server.createBucket(BUCKET);
    r2 = S3ObjectStore.create(r2Server.properties(DataSize.ofMegabytes(16), DataSize.ofMegabytes(5)));
    jdbc = new JdbcTemplate(database());
    jdbc.update("DELETE FROM storage_retry");
    queue = new UploadRetryQueue(jdbc, directory.resolve("spool"), "outage-test");
    meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    breakers = new StoreBreakers(new BreakerProperties(10, OPEN_FOR, 1), meters);
    store = new ResilientObjectStore(b2, r2, breakers, queue, meters);
    worker = new UploadRetryWorker(store, queue, meters);
  }

  @AfterEach
  void stop() throws Exception {
    b2.close();
    r2.close();
    b2Server.close();
    r2Server.close();
  }

  @Test
  void b2OutageOpensTheBreakerFallsBackToR2QueuesTheRestAndLosesNothing() throws Exception {
    List<Written> written = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      written.add(write("before-" + i));
    }
    assertThat(written).allMatch(w -> w.stored().provider().equals("b2"));

    b2Server.unavailable(true);
    for (int i = 0; i < 10; i++) {
      written.add(write("outage-" + i));
    }
    CircuitBreaker b2Breaker = breakers.of("b2");
    assertThat(b2Breaker.getState()).as("open after 10 failures").isEqualTo(CircuitBreaker.State.OPEN);
    int b2CallsWhenOpened = b2Server.totalCalls();
    for (int i = 10; i < 15; i++) {
      written.add(write("outage-" + i));
    }
    assertThat(b2Server.totalCalls()).as("an open breaker spares B2").isEqualTo(b2CallsWhenOpened);
    assertThat(written.subList(3, 18)).allMatch(w -> w.stored().provider().equals("r2"));

    r2Server.close();
    for (int i = 0; i < 4; i++) {
      written.add(write("everything-down-" + i));
    }
    assertThat(written.subList(18, 22)).allMatch(w -> w.stored().provider().equals(ResilientObjectStore.PENDING));
    assertThat(queue.size()).isEqualTo(4);
    // what the StorageBreakerOpen and UploadRetryQueueNotDraining alerts and the dashboard read
    assertThat(meters.scrape()).contains("resilience4j_circuitbreaker_state{name=\"b2\",state=\"open\"} 1",
        "photobomb_storage_retry_queued 4", "photobomb_storage_writes_total{outcome=\"r2\"} 15",
        "photobomb_storage_writes_total{outcome=\"queued\"} 4");
    assertThat(sha256(written.get(20).key())).as("a queued object is readable").isEqualTo(written.get(20).sha256());

    b2Server.unavailable(false);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
      worker.drain(100);
      return queue.size() == 0;
    });

    assertThat(b2Breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    for (Written w : written.subList(18, 22)) {
      assertThat(b2.stat(BUCKET, w.key())).as("queued upload now on B2: " + w.key()).isPresent();
    }
    for (Written w : written.subList(0, 3)) {
      assertThat(sha256(w.key())).isEqualTo(w.sha256());
    }
    for (Written w : written.subList(18, 22)) {
      assertThat(sha256(w.key())).isEqualTo(w.sha256());
    }
    assertThat(directory.resolve("spool").toFile().list()).as("spool emptied").isEmpty();
  }

  @Test
  void aQueuedWriteNeverOverwritesANewerOneOfTheSameKey() throws Exception {
    String key = "outage/" + UUID.randomUUID() + "/thumb.webp";
    b2Server.unavailable(true);
    r2Server.close();
    StoredObject queued = store.put(BUCKET, key, ObjectContent.ofBytes(bytes("older", 3_000), "image/webp"));
    assertThat(queued.provider()).isEqualTo(ResilientObjectStore.PENDING);

    b2Server.unavailable(false);
    StoredObject newer = store.put(BUCKET, key, ObjectContent.ofBytes(bytes("newer", 4_000), "image/webp"));
    worker.drain(100);

    assertThat(newer.provider()).isEqualTo("b2");
    assertThat(queue.size()).as("the older write was dropped").isZero();
    assertThat(sha256(key)).isEqualTo(newer.sha256());
  }

  @Test
  void aFailedB2DeleteIsAFailureEvenWhenR2WouldAcceptIt() {
    String key = "outage/" + UUID.randomUUID() + "/original.jpg";
    StoredObject stored = store.put(BUCKET, key, ObjectContent.ofBytes(bytes("kept", 2_000), "image/jpeg"));
    assertThat(stored.provider()).isEqualTo("b2");
    b2Server.deletesUnavailable(true);

    assertThatThrownBy(() -> store.deleteVersion(BUCKET, key, stored.versionId()))
        .as("B2's 503 is the answer, whatever R2 would say").isInstanceOf(ObjectStoreException.class);

    b2Server.deletesUnavailable(false);
    assertThat(b2.stat(BUCKET, key)).as("the version remains on B2").isPresent();
    assertThat(store.deleteVersion(BUCKET, key, stored.versionId())).isTrue();
    assertThat(b2.stat(BUCKET, key)).isEmpty();
  }

  @Test
  void versionIdsSayWhichStoreHoldsThemAndADeleteGoesThereOnly() {
    String onB2 = "outage/" + UUID.randomUUID() + "/a.jpg";
    String onR2 = "outage/" + UUID.randomUUID() + "/b.jpg";
    StoredObject b2Stored = store.put(BUCKET, onB2, ObjectContent.ofBytes(bytes("a", 100), "image/jpeg"));
    b2Server.unavailable(true);
    StoredObject r2Stored = store.put(BUCKET, onR2, ObjectContent.ofBytes(bytes("b", 100), "image/jpeg"));
    b2Server.unavailable(false);

    assertThat(b2Stored.versionId()).startsWith("b2:");
    assertThat(r2Stored.versionId()).startsWith("r2:");
    assertThat(store.stat(BUCKET, onR2)).map(ObjectVersion::versionId).contains(r2Stored.versionId());
    assertThat(listAll("outage/")).extracting(ObjectVersion::versionId)
        .contains(b2Stored.versionId(), r2Stored.versionId());
    int b2Deletes = b2Server.calls("b2_delete_file_version");
    assertThat(store.deleteVersion(BUCKET, onR2, r2Stored.versionId())).isTrue();
    assertThat(b2Server.calls("b2_delete_file_version")).as("an R2 version is no business of B2's")
        .isEqualTo(b2Deletes);
    assertThat(r2.stat(BUCKET, onR2)).isEmpty();

    String bareB2FileId = b2Stored.versionId().substring("b2:".length());
    assertThat(store.deleteVersion(BUCKET, onB2, bareB2FileId)).as("a bare id, as stored before, is B2's")
        .isTrue();
    assertThat(b2.stat(BUCKET, onB2)).isEmpty();
  }

  @Test
  void aQueuedUploadWhoseRowIsDeletedIsNeverSentAndItsSpoolFileGoes() throws Exception {
    String key = "outage/" + UUID.randomUUID() + "/deleted-user.jpg";
    b2Server.unavailable(true);
    r2Server.close();
    assertThat(store.put(BUCKET, key, ObjectContent.ofBytes(bytes("gone", 3_000), "image/jpeg")).provider())
        .isEqualTo(ResilientObjectStore.PENDING);
    assertThat(spoolFiles()).hasSize(1);

    // what the deletion-service's hard delete does to the user's queued writes
    jdbc.update("DELETE FROM storage_retry WHERE bucket = ? AND object_key = ?", BUCKET, key);
    b2Server.unavailable(false);
    int uploads = b2Server.calls("b2_upload_file");
    worker.drain(100);

    assertThat(b2Server.calls("b2_upload_file")).as("nothing sent").isEqualTo(uploads);
    assertThat(b2.stat(BUCKET, key)).isEmpty();
    assertThat(spoolFiles()).as("the spool file went with its row").isEmpty();
  }

  @Test
  void deletingAQueuedWriteWaitsForItsSendInFlight() throws Exception {
    String key = "outage/" + UUID.randomUUID() + "/in-flight.jpg";
    b2Server.unavailable(true);
    r2Server.close();
    store.put(BUCKET, key, ObjectContent.ofBytes(bytes("in flight", 3_000), "image/jpeg"));
    b2Server.unavailable(false);
    FakeB2Server.UploadPause pause = b2Server.pauseNextUploadOf(key);
    CompletableFuture<Integer> drain = CompletableFuture.supplyAsync(() -> worker.drain(100));
    await().atMost(Duration.ofSeconds(20)).until(pause::arrived);

    CompletableFuture<Integer> delete = CompletableFuture.supplyAsync(() -> jdbc.update(
        "DELETE FROM storage_retry WHERE bucket = ? AND object_key = ?", BUCKET, key));
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> waitingForALock() > 0 || delete.isDone());
      assertThat(delete).as("the delete waits for the send").isNotDone();
    } finally {
      pause.release();
    }

    assertThat(drain.get(30, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(delete.get(30, TimeUnit.SECONDS)).as("the row went with the finished send").isZero();
    assertThat(b2.stat(BUCKET, key)).as("sent before the delete returned, so the object phase finds it")
        .isPresent();
    assertThat(spoolFiles()).isEmpty();
  }

  @Test
  void aNewerWriteIsNotOverwrittenByTheOlderQueuedOneInFlight() throws Exception {
    String key = "outage/" + UUID.randomUUID() + "/thumb.webp";
    b2Server.unavailable(true);
    r2Server.close();
    store.put(BUCKET, key, ObjectContent.ofBytes(bytes("older", 3_000), "image/webp"));
    b2Server.unavailable(false);
    FakeB2Server.UploadPause pause = b2Server.pauseNextUploadOf(key);
    CompletableFuture<Integer> drain = CompletableFuture.supplyAsync(() -> worker.drain(100));
    await().atMost(Duration.ofSeconds(20)).until(pause::arrived);

    byte[] newerBytes = bytes("newer", 4_000);
    CompletableFuture<StoredObject> newer = CompletableFuture.supplyAsync(
        () -> store.put(BUCKET, key, ObjectContent.ofBytes(newerBytes, "image/webp")));
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> waitingForALock() > 0 || newer.isDone());
    } finally {
      pause.release();
    }
    drain.get(30, TimeUnit.SECONDS);
    StoredObject written = newer.get(30, TimeUnit.SECONDS);

    assertThat(written.provider()).isEqualTo("b2");
    assertThat(sha256(key)).as("the newer write is the object").isEqualTo(written.sha256());
    assertThat(queue.size()).isZero();
    assertThat(spoolFiles()).isEmpty();
  }

  private List<ObjectVersion> listAll(String prefix) {
    List<ObjectVersion> all = new ArrayList<>();
    String token = null;
    do {
      VersionPage page = store.listVersions(BUCKET, prefix, token, 100);
      all.addAll(page.versions());
      token = page.nextPageToken();
    } while (token != null);
    return all;
  }

  /** Sessions of this database blocked on a lock, such as a DELETE waiting for a send's row lock. */
  private int waitingForALock() {
    return jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        + "AND wait_event_type = 'Lock'", Integer.class);
  }

  private List<Path> spoolFiles() throws IOException {
    Path spool = directory.resolve("spool");
    if (!Files.isDirectory(spool)) {
      return List.of();
    }
    try (var files = Files.list(spool)) {
      return files.toList();
    }
  }

  private static byte[] bytes(String seed, int size) {
    byte[] bytes = new byte[size];
    new Random(seed.hashCode()).nextBytes(bytes);
    return bytes;
  }

  private Written write(String name) {
    byte[] bytes = new byte[20_000 + new Random(name.hashCode()).nextInt(5_000)];
    new Random(name.hashCode()).nextBytes(bytes);
    String key = "outage/" + UUID.randomUUID() + "/" + name + ".jpg";
    StoredObject stored = store.put(BUCKET, key, ObjectContent.ofBytes(bytes, "image/jpeg"));
    return new Written(key, stored, stored.sha256());
  }

  private String sha256(String key) throws IOException {
    try (InputStream in = store.get(BUCKET, key)) {
      MeasuredInputStream measured = new MeasuredInputStream(in);
      measured.transferTo(OutputStream.nullOutputStream());
      return measured.sha256Hex();
    }
  }

  /** The retry queue runs in the services that write objects: here as the export-service's role. */
  private static PGSimpleDataSource database() {
    String url = RealServers.photobombDatabase("storage_outage");
    SchemaMigrations.ops(Flyway.configure().dataSource(url, DatabaseRole.MIGRATOR.roleName(),
        DatabaseRole.MIGRATOR.password())).load().migrate();
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(url);
    dataSource.setUser(DatabaseRole.EXPORT.roleName());
    dataSource.setPassword(DatabaseRole.EXPORT.password());
    return dataSource;
  }

  private record Written(String key, StoredObject stored, String sha256) {
  }
}
