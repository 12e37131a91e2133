package app.photobomb.ops.benchmarks;

import app.photobomb.ops.common.storage.MeasuredInputStream;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.storage.GeneratedContent;
import app.photobomb.ops.storage.b2.B2ObjectStore;
import app.photobomb.ops.storage.b2.FakeB2Server;
import app.photobomb.ops.storage.local.LocalFileObjectStore;
import app.photobomb.ops.storage.local.LocalLinkSigner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Put + get throughput of storage adapters against what the same bytes cost without them, in one run: the
 * filesystem adapter against a plain file copy and read, and the B2 adapter (official SDK) against raw HTTP
 * to the same loopback fake. Size by environment: BENCH_STORAGE_MB (512), rounds BENCH_STORAGE_ROUNDS (3).
 */
public final class StorageBenchmark {

  private static final String BUCKET = "photobomb-originals";

  private StorageBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    long megabytes = Long.parseLong(System.getenv().getOrDefault("BENCH_STORAGE_MB", "512"));
    int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_STORAGE_ROUNDS", "3"));
    long size = megabytes << 20;
    PrintStream out = System.out;
    Path work = Files.createTempDirectory("photobomb-storage-bench");
    try {
      Path source = work.resolve("source.bin");
      try (InputStream in = new GeneratedContent(size, 7)) {
        Files.copy(in, source);
      }
      out.printf("object of %d MiB, %d rounds each, median put+get throughput%n", megabytes, rounds);

      LocalFileObjectStore local = new LocalFileObjectStore(work.resolve("store"),
          new LocalLinkSigner("benchmark-secret-0123456789".getBytes(StandardCharsets.UTF_8), Clock.systemUTC()),
          "http://127.0.0.1:1", Clock.systemUTC());
      double copy = median(rounds, () -> fileCopy(source, work.resolve("copy.bin")));
      double hashedCopy = median(rounds, () -> hashedCopy(source, work.resolve("hashed.bin")));
      double localAdapter = median(rounds, () -> adapter(local, source, size));
      out.printf("plain file copy + read         %8.0f MiB/s%n", copy);
      out.printf("file copy with SHA-256 + read  %8.0f MiB/s   (what checksumming alone costs)%n", hashedCopy);
      out.printf("filesystem adapter put + get   %8.0f MiB/s   ratio %.2f%n", localAdapter, localAdapter / copy);

      try (FakeB2Server b2 = new FakeB2Server(Files.createDirectories(work.resolve("b2"))).start()) {
        String bucketId = b2.createBucket(BUCKET);
        try (B2ObjectStore store = B2ObjectStore.create(b2.clientProperties(3))) {
          RawB2 raw = new RawB2(b2);
          double rawHttp = median(rounds, () -> raw.putAndGet(bucketId, source, size));
          double b2Adapter = median(rounds, () -> adapter(store, source, size));
          out.printf("raw HTTP to the fake B2        %8.0f MiB/s%n", rawHttp);
          out.printf("B2 adapter (SDK) put + get     %8.0f MiB/s   ratio %.2f%n", b2Adapter, b2Adapter / rawHttp);
        }
      }
    } finally {
      BenchEnv.deleteTree(work);
    }
  }

  /** One measured run: returns MiB/s for the bytes written plus read. */
  private interface Run {
    double mebibytesPerSecond() throws Exception;
  }

  private static double median(int rounds, Run run) throws Exception {
    List<Double> results = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      results.add(run.mebibytesPerSecond());
    }
    results.sort(Comparator.naturalOrder());
    return results.get(results.size() / 2);
  }

  private static double fileCopy(Path source, Path target) throws IOException {
    long started = System.nanoTime();
    Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (InputStream in = Files.newInputStream(target)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return rate(2 * Files.size(source), started);
  }

  private static double hashedCopy(Path source, Path target) throws IOException {
    long started = System.nanoTime();
    try (InputStream in = new MeasuredInputStream(Files.newInputStream(source));
        OutputStream copy = Files.newOutputStream(target)) {
      in.transferTo(copy);
    }
    try (InputStream in = Files.newInputStream(target)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return rate(2 * Files.size(source), started);
  }

  private static double adapter(ObjectStore store, Path source, long size) throws IOException {
    String key = "bench/" + UUID.randomUUID() + ".bin";
    long started = System.nanoTime();
    StoredObject stored;
    try (InputStream in = Files.newInputStream(source)) {
      stored = store.put(BUCKET, key, in, size, "application/octet-stream");
    }
    try (InputStream in = store.get(BUCKET, key)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    double rate = rate(2 * size, started);
    store.deleteVersion(BUCKET, key, stored.versionId());
    return rate;
  }

  private static double rate(long bytes, long startedNanos) {
    return bytes / 1048576.0 / ((System.nanoTime() - startedNanos) / 1e9);
  }


  /** The B2 native API by hand: authorize, get an upload URL, upload, download by name. */
  private static final class RawB2 {

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private final JsonNode account;

    RawB2(FakeB2Server server) throws Exception {
      String basic = Base64.getEncoder().encodeToString(
          (server.applicationKeyId() + ":" + server.applicationKey()).getBytes(StandardCharsets.UTF_8));
      this.account = send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/b2api/v2/b2_authorize_account"))
          .header("Authorization", "Basic " + basic).GET().build());
    }

    double putAndGet(String bucketId, Path source, long size) throws Exception {
      String token = account.get("authorizationToken").asString();
      JsonNode upload = send(HttpRequest.newBuilder(
              URI.create(account.get("apiUrl").asString() + "/b2api/v2/b2_get_upload_url"))
          .header("Authorization", token)
          .POST(HttpRequest.BodyPublishers.ofString("{\"bucketId\":\"" + bucketId + "\"}")).build());
      String name = "raw/" + UUID.randomUUID() + ".bin";
      long started = System.nanoTime();
      send(HttpRequest.newBuilder(URI.create(upload.get("uploadUrl").asString()))
          .header("Authorization", upload.get("authorizationToken").asString())
          .header("X-Bz-File-Name", name)
          .header("Content-Type", "application/octet-stream")
          .header("X-Bz-Content-Sha1", "do_not_verify")
          .POST(HttpRequest.BodyPublishers.ofFile(source)).build());
      HttpResponse<InputStream> download = http.send(HttpRequest.newBuilder(
              URI.create(account.get("downloadUrl").asString() + "/file/" + BUCKET + "/" + name))
          .header("Authorization", token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = download.body()) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      return rate(2 * size, started);
    }

    private JsonNode send(HttpRequest request) throws Exception {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
      }
      return json.readTree(response.body());
    }
  }
}
