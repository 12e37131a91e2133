package app.photobomb.ops.storage.b2;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Backblaze B2 native API (v2, the version SDK 6.2.1 speaks) on 127.0.0.1, for the B2 adapter's tests: the
 * calls the adapter makes, with B2's JSON shapes and error bodies. Each file version is a file under a
 * directory; metadata is in memory. Uploads and downloads stream. Hide markers and unfinished large files
 * (b2_start_large_file and b2_upload_part without b2_finish_large_file) are kept and listed as B2 does: by
 * b2_list_file_versions with their actions ("hide", "start"), and by b2_list_unfinished_large_files; they go
 * with b2_delete_file_version and b2_cancel_large_file. Faults can be injected: latency, throttling with
 * Retry-After, a 503 outage, a 503 on deletes only, and a pause of the next upload of a name; calls are
 * counted per endpoint. Application keys: b2_create_key, b2_list_keys and b2_delete_key; b2_authorize_account takes
 * the master key or any live created one, and a deleted key, like its tokens, is answered 401 bad_auth_token.
 */
public final class FakeB2Server implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FakeB2Server.class);

  private static final String API = "/b2api/v2/";
  private static final String UPLOAD_PATH = API + "b2_upload_file/";
  private static final String UPLOAD_PART_PATH = API + "b2_upload_part/";
  private static final String DOWNLOAD_PATH = "/file/";
  /** Endpoint name under which downloads by name are counted. */
  public static final String DOWNLOAD = "download_file_by_name";
  /** Request threads: injected latency sleeps on them, so this bounds the calls in flight. */
  private static final int THREADS = 64;
  private static final int SHA1_HEX_LENGTH = 40;
  private static final int MAX_FILE_COUNT = 10_000;
  private static final long MAX_LINK_SECONDS = Duration.ofDays(7).toSeconds();
  private static final Comparator<FileRecord> ORDER = Comparator.comparing(FileRecord::bucketId)
      .thenComparing(FileRecord::fileName)
      .thenComparing(Comparator.comparingLong(FileRecord::sequence).reversed());

  private final Path root;
  private final JsonMapper json = JsonMapper.builder().build();
  private final String accountId = "fake-account";
  private static final List<String> KEY_CAPABILITIES = List.of("listKeys", "writeKeys", "deleteKeys", "listBuckets",
      "listFiles", "readFiles", "shareFiles", "writeFiles", "deleteFiles");
  private static final long MAX_KEY_SECONDS = Duration.ofDays(1000).toSeconds();
  private static final int MAX_KEY_COUNT = 10_000;
  private final FakeB2ApplicationKeys keys = new FakeB2ApplicationKeys("fake-key-id", Set.copyOf(KEY_CAPABILITIES));
  private final String applicationKeyId = keys.master().applicationKeyId();
  private final String applicationKey = keys.master().secret();

  private final Object lock = new Object();
  private final Map<String, Bucket> bucketsByName = new LinkedHashMap<>();
  private final NavigableSet<FileRecord> files = new TreeSet<>(ORDER);
  private final Map<String, FileRecord> filesById = new HashMap<>();
  /** Parts of unfinished large files by file id, then part number. */
  private final Map<String, Map<Integer, Path>> partsByFileId = new HashMap<>();

  private final Map<String, String> uploadTokens = new ConcurrentHashMap<>();
  private final Map<String, DownloadGrant> downloadGrants = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicInteger throttledCalls = new AtomicInteger();
  private volatile boolean unavailable;
  private volatile boolean deletesUnavailable;
  private final Map<String, UploadPause> pausedUploads = new ConcurrentHashMap<>();
  private volatile Duration latency = Duration.ZERO;

  private HttpServer server;
  private ExecutorService threads;

  /** A server keeping its files under {@code root}; {@link #start()} it. */
  public FakeB2Server(Path root) {
    this.root = root;
  }

  /** Listens on a free loopback port. */
  public FakeB2Server start() throws IOException {
    AtomicInteger count = new AtomicInteger();
    threads = Executors.newFixedThreadPool(THREADS, runnable -> {
      Thread thread = new Thread(runnable, "fake-b2-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
    return this;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
      threads.shutdownNow();
    }
  }

  /** The master URL, API URL and download URL in one. */
  /** Adapter settings that reach this fake: its keys, its URL, plain HTTP on loopback, short backoff. */
  public B2Properties clientProperties(int maxAttempts) {
    return new B2Properties(applicationKeyId, applicationKey, baseUrl(), maxAttempts, Duration.ofSeconds(1), true);
  }

  /**
   * Spring settings (photobomb.storage.*) that make a service's originals store the B2 adapter talking to this
   * fake, e.g. for {@code DynamicPropertyRegistry} or command-line arguments.
   */
  public Map<String, String> originalsStoreSettings(int maxAttempts) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("photobomb.storage.primary", "b2");
    settings.put("photobomb.storage.b2.application-key-id", applicationKeyId);
    settings.put("photobomb.storage.b2.application-key", applicationKey);
    settings.put("photobomb.storage.b2.master-url", baseUrl());
    settings.put("photobomb.storage.b2.allow-insecure-http", "true");
    settings.put("photobomb.storage.b2.max-attempts", String.valueOf(maxAttempts));
    settings.put("photobomb.storage.b2.max-backoff", "1s");
    return settings;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public String applicationKeyId() {
    return applicationKeyId;
  }

  public String applicationKey() {
    return applicationKey;
  }

  /** Ids of the keys b2_create_key made and b2_delete_key has not deleted (the master key is not one). */
  public Set<String> createdKeyIds() {
    return keys.createdKeyIds();
  }

  /** Creates a private bucket and returns its id. */
  public String createBucket(String name) {
    synchronized (lock) {
      return bucketsByName.computeIfAbsent(name, n -> new Bucket("bucket-" + UUID.randomUUID(), n)).id();
    }
  }

  /**
   * Stores a version directly, without an HTTP call and its injected latency: for benchmarks that need a
   * great many objects in place before they measure.
   */
  public void seed(String bucketName, String fileName, byte[] content) throws IOException {
    Bucket bucket;
    synchronized (lock) {
      bucket = bucketsByName.get(bucketName);
    }
    if (bucket == null) {
      throw new IllegalArgumentException("no bucket " + bucketName);
    }
    long seq = sequence.incrementAndGet();
    String fileId = "4_z" + bucket.id() + "_f" + String.format("%016x", seq);
    Path data = Files.write(root.resolve(fileId), content);
    FileRecord file = new FileRecord(bucket.id(), fileId, fileName, seq, "upload", content.length,
        "application/octet-stream", HexFormat.of().formatHex(sha1().digest(content)), Map.of(),
        Instant.now().toEpochMilli(), data);
    synchronized (lock) {
      files.add(file);
      filesById.put(fileId, file);
    }
  }

  /** Delays every call by this much, on the server's thread. */
  public void latency(Duration latency) {
    this.latency = latency;
  }

  /** Answers the next {@code count} calls, whatever they are, with 429 and {@code Retry-After: 1}. */
  public void throttleNextCalls(int count) {
    throttledCalls.set(count);
  }

  /** Answers every call with 503 while {@code true}. */
  public void unavailable(boolean unavailable) {
    this.unavailable = unavailable;
  }

  /** Answers b2_delete_file_version and b2_cancel_large_file with 503 while {@code true}; other calls work. */
  public void deletesUnavailable(boolean unavailable) {
    this.deletesUnavailable = unavailable;
  }

  /**
   * Holds the next b2_upload_file of this name, after its body arrived and before it is stored, until the
   * returned pause is released: a send in flight, for tests of what may happen meanwhile.
   */
  public UploadPause pauseNextUploadOf(String fileName) {
    UploadPause pause = new UploadPause();
    pausedUploads.put(fileName, pause);
    return pause;
  }

  /** Calls of one endpoint so far, failed ones included: {@code b2_list_file_versions}, {@link #DOWNLOAD}... */
  public int calls(String endpoint) {
    AtomicInteger count = calls.get(endpoint);
    return count == null ? 0 : count.get();
  }

  /** Calls of every endpoint so far. */
  public int totalCalls() {
    return calls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /**
   * Names in the bucket under {@code prefix} that still have a version of any kind (an upload or a hide marker): what
   * a deletion of every version must leave none of.
   */
  public List<String> fileNames(String bucketName, String prefix) {
    synchronized (lock) {
      Bucket bucket = bucketsByName.get(bucketName);
      return bucket == null ? List.of() : files.stream()
          .filter(file -> file.bucketId().equals(bucket.id()) && file.fileName().startsWith(prefix))
          .map(FileRecord::fileName).distinct().toList();
    }
  }

  /** Whether the name's newest version is an upload: what a download by name would find. */
  public boolean exists(String bucketName, String fileName) {
    synchronized (lock) {
      Bucket bucket = bucketsByName.get(bucketName);
      return bucket != null && files.stream()
          .filter(file -> file.bucketId().equals(bucket.id()) && file.fileName().equals(fileName))
          .findFirst().map(file -> "upload".equals(file.action())).orElse(false);
    }
  }

  /** Versions stored, hide markers and unfinished large files included, in every bucket. */
  public int versionCount() {
    synchronized (lock) {
      return files.size();
    }
  }

  private void handle(HttpExchange exchange) {
    String endpoint = endpointOf(exchange.getRequestURI().getRawPath());
    calls.computeIfAbsent(endpoint, e -> new AtomicInteger()).incrementAndGet();
    // One request per connection: the SDK's pooled connections would otherwise meet a socket this server
    // already closed, which real B2 does not do within a call.
    exchange.getResponseHeaders().set("Connection", "close");
    try {
      try {
        delay();
        injectFaults(exchange);
        dispatch(exchange, endpoint);
      } catch (B2Error e) {
        drain(exchange);
        error(exchange, e);
      }
    } catch (IOException e) {
      log.debug("fake B2 {} ended early: {}", endpoint, e.toString());
    } catch (RuntimeException e) {
      log.warn("fake B2 {} failed", endpoint, e);
      try {
        error(exchange, new B2Error(500, "internal_error", e.toString()));
      } catch (IOException ignored) {
        log.debug("could not report the failure of {}", endpoint);
      }
    } finally {
      exchange.close();
    }
  }

  private static String endpointOf(String path) {
    if (path.startsWith(UPLOAD_PATH)) {
      return "b2_upload_file";
    }
    if (path.startsWith(UPLOAD_PART_PATH)) {
      return "b2_upload_part";
    }
    if (path.startsWith(API)) {
      return path.substring(API.length());
    }
    return path.startsWith(DOWNLOAD_PATH) ? DOWNLOAD : path;
  }

  private void delay() {
    Duration wait = latency;
    if (wait.isZero()) {
      return;
    }
    try {
      // Latency is the server being slow: it waits on its own thread, so the tests themselves never sleep.
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void injectFaults(HttpExchange exchange) {
    if (unavailable) {
      throw new B2Error(503, "service_unavailable", "fake B2 is unavailable");
    }
    if (throttledCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      exchange.getResponseHeaders().set("Retry-After", "1");
      throw new B2Error(429, "too_many_requests", "fake B2 is throttling");
    }
  }

  private void dispatch(HttpExchange exchange, String endpoint) throws IOException {
    if (deletesUnavailable && (endpoint.equals("b2_delete_file_version") || endpoint.equals("b2_cancel_large_file"))) {
      throw new B2Error(503, "service_unavailable", "fake B2 cannot delete just now");
    }
    if (endpoint.equals(DOWNLOAD)) {
      requireMethod(exchange, "GET");
      download(exchange);
      return;
    }
    if (endpoint.equals("b2_authorize_account")) {
      // B2 documents GET; accepting POST too keeps any client that sends one working.
      authorizeAccount(exchange);
      return;
    }
    requireMethod(exchange, "POST");
    if (endpoint.equals("b2_upload_file")) {
      upload(exchange);
      return;
    }
    if (endpoint.equals("b2_upload_part")) {
      uploadPart(exchange);
      return;
    }
    requireAccountToken(exchange.getRequestHeaders().getFirst("Authorization"));
    JsonNode body = json.readTree(exchange.getRequestBody().readAllBytes());
    Object response = switch (endpoint) {
      case "b2_list_buckets" -> listBuckets(body);
      case "b2_get_upload_url" -> getUploadUrl(body);
      case "b2_list_file_versions" -> listFileVersions(body);
      case "b2_delete_file_version" -> deleteFileVersion(body);
      case "b2_hide_file" -> hideFile(body);
      case "b2_start_large_file" -> startLargeFile(body);
      case "b2_get_upload_part_url" -> getUploadPartUrl(body);
      case "b2_list_unfinished_large_files" -> listUnfinishedLargeFiles(body);
      case "b2_cancel_large_file" -> cancelLargeFile(body);
      case "b2_get_download_authorization" -> getDownloadAuthorization(body);
      case "b2_create_key" -> createKey(body);
      case "b2_list_keys" -> listKeys(body);
      case "b2_delete_key" -> deleteKey(body);
      default -> throw new B2Error(400, "bad_request", "fake B2 does not implement " + endpoint);
    };
    respond(exchange, 200, response);
  }

  private void authorizeAccount(HttpExchange exchange) throws IOException {
    FakeB2ApplicationKeys.Key key = basicCredentials(exchange.getRequestHeaders().getFirst("Authorization"))
        .flatMap(pair -> keys.authenticate(pair[0], pair[1]))
        // B2 answers an unknown, deleted or expired key alike: 401 bad_auth_token (what the CLI's users report)
        .orElseThrow(() -> new B2Error(401, "bad_auth_token", "Invalid authorization token"));
    exchange.getRequestBody().readAllBytes();
    Map<String, Object> allowed = new LinkedHashMap<>();
    allowed.put("capabilities", key.capabilities());
    allowed.put("bucketId", key.bucketId());
    allowed.put("bucketName", key.bucketId() == null ? null : bucketById(key.bucketId()).name());
    allowed.put("namePrefix", key.namePrefix());
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("accountId", accountId);
    response.put("authorizationToken", keys.issueToken(key));
    response.put("apiUrl", baseUrl());
    response.put("downloadUrl", baseUrl());
    response.put("s3ApiUrl", baseUrl());
    response.put("recommendedPartSize", 100_000_000L);
    response.put("absoluteMinimumPartSize", 5_000_000L);
    response.put("allowed", allowed);
    respond(exchange, 200, response);
  }

  /** The key id and key of a {@code Basic} header, when it is one. */
  private static Optional<String[]> basicCredentials(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring("Basic ".length())), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    return colon < 0 ? Optional.empty()
        : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
  }

  /** b2_create_key: the only answer that carries the new key's secret. */
  private Map<String, Object> createKey(JsonNode body) {
    requireAccount(body);
    List<String> capabilities = new ArrayList<>();
    body.path("capabilities").forEach(capability -> capabilities.add(capability.asString()));
    if (capabilities.isEmpty()) {
      throw new B2Error(400, "bad_request", "capabilities must not be empty");
    }
    String keyName = text(body, "keyName");
    if (keyName == null || !keyName.matches("[A-Za-z0-9-]{1,100}")) {
      throw new B2Error(400, "bad_request", "keyName must be 1 to 100 letters, digits or '-'");
    }
    Long seconds = body.path("validDurationInSeconds").isNumber() ? body.path("validDurationInSeconds").asLong()
        : null;
    if (seconds != null && (seconds < 1 || seconds > MAX_KEY_SECONDS)) {
      throw new B2Error(400, "bad_request", "validDurationInSeconds out of range: " + seconds);
    }
    String bucketId = text(body, "bucketId");
    String namePrefix = text(body, "namePrefix");
    if (bucketId != null) {
      bucketById(bucketId);
    } else if (namePrefix != null) {
      throw new B2Error(400, "bad_request", "namePrefix needs a bucketId");
    }
    FakeB2ApplicationKeys.Key key = keys.create(keyName, new TreeSet<>(capabilities), bucketId, namePrefix, seconds);
    Map<String, Object> out = keyJson(key);
    out.put("applicationKey", key.secret());
    return out;
  }

  /** b2_list_keys: created keys in id order, {@code startApplicationKeyId} inclusive, without their secrets. */
  private Map<String, Object> listKeys(JsonNode body) {
    requireAccount(body);
    int max = body.path("maxKeyCount").asInt(100);
    if (max < 1 || max > MAX_KEY_COUNT) {
      throw new B2Error(400, "bad_request", "maxKeyCount out of range: " + max);
    }
    List<FakeB2ApplicationKeys.Key> listed = keys.list(text(body, "startApplicationKeyId"));
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("keys", listed.stream().limit(max).map(this::keyJson).toList());
    response.put("nextApplicationKeyId", listed.size() > max ? listed.get(max).applicationKeyId() : null);
    return response;
  }

  /** b2_delete_key: the deleted key, without its secret; its tokens stop working with it. */
  private Map<String, Object> deleteKey(JsonNode body) {
    String id = text(body, "applicationKeyId");
    return keys.delete(id).map(this::keyJson)
        .orElseThrow(() -> new B2Error(400, "bad_request", "applicationKeyId not valid: " + id));
  }

  private Map<String, Object> keyJson(FakeB2ApplicationKeys.Key key) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("accountId", accountId);
    out.put("applicationKeyId", key.applicationKeyId());
    out.put("keyName", key.keyName());
    out.put("capabilities", key.capabilities());
    out.put("bucketId", key.bucketId());
    out.put("namePrefix", key.namePrefix());
    out.put("expirationTimestamp", key.expirationTimestamp());
    out.put("options", List.of("s3"));
    return out;
  }

  private void requireAccount(JsonNode body) {
    if (!accountId.equals(text(body, "accountId"))) {
      throw new B2Error(401, "unauthorized", "not this account");
    }
  }

  private Map<String, Object> listBuckets(JsonNode body) {
    if (!accountId.equals(text(body, "accountId"))) {
      throw new B2Error(401, "unauthorized", "not this account");
    }
    String name = text(body, "bucketName");
    String id = text(body, "bucketId");
    List<Map<String, Object>> buckets = new ArrayList<>();
    synchronized (lock) {
      for (Bucket bucket : bucketsByName.values()) {
        if ((name == null || name.equals(bucket.name())) && (id == null || id.equals(bucket.id()))) {
          buckets.add(bucketJson(bucket));
        }
      }
    }
    return Map.of("buckets", buckets);
  }

  private Map<String, Object> bucketJson(Bucket bucket) {
    Map<String, Object> retention = new LinkedHashMap<>();
    retention.put("mode", null);
    retention.put("period", null);
    Map<String, Object> encryption = new LinkedHashMap<>();
    encryption.put("mode", null);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("accountId", accountId);
    out.put("bucketId", bucket.id());
    out.put("bucketName", bucket.name());
    out.put("bucketType", "allPrivate");
    out.put("bucketInfo", Map.of());
    out.put("corsRules", List.of());
    out.put("lifecycleRules", List.of());
    out.put("options", List.of());
    out.put("fileLockConfiguration", Map.of("isClientAuthorizedToRead", true,
        "value", Map.of("isFileLockEnabled", false, "defaultRetention", retention)));
    out.put("defaultServerSideEncryption", Map.of("isClientAuthorizedToRead", true, "value", encryption));
    out.put("revision", 1);
    return out;
  }

  private Map<String, Object> getUploadUrl(JsonNode body) {
    Bucket bucket = bucketById(text(body, "bucketId"));
    String token = "fake-upload-token-" + UUID.randomUUID();
    uploadTokens.put(token, bucket.id());
    return Map.of("bucketId", bucket.id(), "uploadUrl", baseUrl() + UPLOAD_PATH + bucket.id() + "/"
        + uploadTokens.size(), "authorizationToken", token);
  }

  /** Streams the body to disk, checking the SHA-1 sent in a header or, with hex_digits_at_end, after the data. */
  private void upload(HttpExchange exchange) throws IOException {
    Headers headers = exchange.getRequestHeaders();
    String bucketId = exchange.getRequestURI().getRawPath().substring(UPLOAD_PATH.length()).split("/")[0];
    String token = headers.getFirst("Authorization");
    if (token == null || !bucketId.equals(uploadTokens.get(token))) {
      throw new B2Error(401, "bad_auth_token", "not an upload token of this upload URL");
    }
    Bucket bucket = bucketById(bucketId);
    String fileName = decode(required(headers, "X-Bz-File-Name"));
    String contentType = required(headers, "Content-Type");
    String sha1Header = required(headers, "X-Bz-Content-Sha1");
    long declared = Long.parseLong(required(headers, "Content-Length"));
    boolean sha1AtEnd = sha1Header.equals("hex_digits_at_end");
    long length = sha1AtEnd ? declared - SHA1_HEX_LENGTH : declared;
    if (length < 0) {
      throw new B2Error(400, "bad_request", "body shorter than its SHA-1");
    }
    Map<String, String> fileInfo = new LinkedHashMap<>();
    headers.forEach((name, values) -> {
      if (name.toLowerCase().startsWith("x-bz-info-")) {
        fileInfo.put(decode(name.substring("x-bz-info-".length())), decode(values.get(0)));
      }
    });

    long seq = sequence.incrementAndGet();
    String fileId = "4_z" + bucketId + "_f" + String.format("%016x", seq);
    Path data = root.resolve(fileId);
    String sha1;
    String expectedSha1;
    try {
      InputStream in = exchange.getRequestBody();
      sha1 = copyExactly(in, data, length);
      expectedSha1 = sha1AtEnd ? new String(in.readNBytes(SHA1_HEX_LENGTH), StandardCharsets.US_ASCII) : sha1Header;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(data);
      throw e;
    }
    if (!expectedSha1.equalsIgnoreCase(sha1) && !expectedSha1.equals("do_not_verify")) {
      Files.deleteIfExists(data);
      throw new B2Error(400, "bad_request", "Sha1 did not match data received");
    }
    UploadPause pause = pausedUploads.remove(fileName);
    if (pause != null) {
      pause.hold();
    }
    // B2 orders versions by when their upload finished: one held meanwhile is older than those stored before it.
    FileRecord file = new FileRecord(bucket.id(), fileId, fileName, sequence.incrementAndGet(), "upload", length,
        contentType, sha1, Map.copyOf(fileInfo), Instant.now().toEpochMilli(), data);
    synchronized (lock) {
      files.add(file);
      filesById.put(fileId, file);
    }
    respond(exchange, 200, fileJson(file));
  }

  private Map<String, Object> listFileVersions(JsonNode body) {
    Bucket bucket = bucketById(text(body, "bucketId"));
    String prefix = text(body, "prefix") == null ? "" : text(body, "prefix");
    String startName = text(body, "startFileName");
    String startId = text(body, "startFileId");
    int max = body.path("maxFileCount").asInt(100);
    if (max < 1 || max > MAX_FILE_COUNT) {
      throw new B2Error(400, "bad_request", "maxFileCount out of range: " + max);
    }
    String from = startName != null && startName.compareTo(prefix) > 0 ? startName : prefix;
    List<Map<String, Object>> page = new ArrayList<>();
    String nextName = null;
    String nextId = null;
    synchronized (lock) {
      FileRecord startFile = startId == null ? null : filesById.get(startId);
      FileRecord first = startFile != null && startFile.bucketId().equals(bucket.id())
          && startFile.fileName().equals(startName) && startName.startsWith(prefix) ? startFile : probe(bucket, from);
      for (FileRecord file : files.tailSet(first, true)) {
        if (!file.bucketId().equals(bucket.id()) || !file.fileName().startsWith(prefix)) {
          break;
        }
        if (page.size() == max) {
          nextName = file.fileName();
          nextId = file.fileId();
          break;
        }
        page.add(fileJson(file));
      }
    }
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("files", page);
    response.put("nextFileName", nextName);
    response.put("nextFileId", nextId);
    return response;
  }

  private Map<String, Object> deleteFileVersion(JsonNode body) throws IOException {
    String fileName = text(body, "fileName");
    String fileId = text(body, "fileId");
    FileRecord file;
    synchronized (lock) {
      file = filesById.get(fileId);
      if (file == null || !file.fileName().equals(fileName)) {
        throw new B2Error(400, "file_not_present", "File not present: " + fileName + " " + fileId);
      }
      if (file.action().equals("start")) {
        throw new B2Error(400, "bad_request", "unfinished large file; cancel it: " + fileId);
      }
      files.remove(file);
      filesById.remove(fileId);
    }
    if (file.data() != null) {
      Files.deleteIfExists(file.data());
    }
    return Map.of("fileId", fileId, "fileName", fileName);
  }

  private Map<String, Object> hideFile(JsonNode body) {
    Bucket bucket = bucketById(text(body, "bucketId"));
    String fileName = text(body, "fileName");
    FileRecord marker;
    synchronized (lock) {
      FileRecord newest = newest(bucket, fileName);
      if (newest == null || !newest.action().equals("upload")) {
        throw new B2Error(400, "no_such_file", "no visible file to hide: " + fileName);
      }
      long seq = sequence.incrementAndGet();
      marker = new FileRecord(bucket.id(), "4_z" + bucket.id() + "_f" + String.format("%016x", seq), fileName, seq,
          "hide", 0, null, null, Map.of(), Instant.now().toEpochMilli(), null);
      files.add(marker);
      filesById.put(marker.fileId(), marker);
    }
    return fileJson(marker);
  }

  private Map<String, Object> startLargeFile(JsonNode body) {
    Bucket bucket = bucketById(text(body, "bucketId"));
    String fileName = text(body, "fileName");
    String contentType = text(body, "contentType");
    if (fileName == null || contentType == null) {
      throw new B2Error(400, "bad_request", "fileName and contentType are required");
    }
    long seq = sequence.incrementAndGet();
    FileRecord file = new FileRecord(bucket.id(), "4_z" + bucket.id() + "_f" + String.format("%016x", seq), fileName,
        seq, "start", 0, contentType, "none", Map.of(), Instant.now().toEpochMilli(), null);
    synchronized (lock) {
      files.add(file);
      filesById.put(file.fileId(), file);
      partsByFileId.put(file.fileId(), new HashMap<>());
    }
    return fileJson(file);
  }

  private Map<String, Object> getUploadPartUrl(JsonNode body) {
    String fileId = text(body, "fileId");
    unfinished(fileId);
    String token = "fake-part-token-" + UUID.randomUUID();
    uploadTokens.put(token, fileId);
    return Map.of("fileId", fileId, "uploadUrl", baseUrl() + UPLOAD_PART_PATH + fileId, "authorizationToken", token);
  }

  /** Streams one part of an unfinished large file to disk, checking its SHA-1 as an upload's. */
  private void uploadPart(HttpExchange exchange) throws IOException {
    Headers headers = exchange.getRequestHeaders();
    String fileId = exchange.getRequestURI().getRawPath().substring(UPLOAD_PART_PATH.length());
    String token = headers.getFirst("Authorization");
    if (token == null || !fileId.equals(uploadTokens.get(token))) {
      throw new B2Error(401, "bad_auth_token", "not an upload token of this part URL");
    }
    int partNumber = Integer.parseInt(required(headers, "X-Bz-Part-Number"));
    if (partNumber < 1 || partNumber > 10_000) {
      throw new B2Error(400, "bad_request", "part number out of range: " + partNumber);
    }
    String sha1Header = required(headers, "X-Bz-Content-Sha1");
    long declared = Long.parseLong(required(headers, "Content-Length"));
    boolean sha1AtEnd = sha1Header.equals("hex_digits_at_end");
    long length = sha1AtEnd ? declared - SHA1_HEX_LENGTH : declared;
    Path data = root.resolve(fileId + ".part" + partNumber);
    String sha1;
    String expectedSha1;
    try {
      InputStream in = exchange.getRequestBody();
      sha1 = copyExactly(in, data, length);
      expectedSha1 = sha1AtEnd ? new String(in.readNBytes(SHA1_HEX_LENGTH), StandardCharsets.US_ASCII) : sha1Header;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(data);
      throw e;
    }
    if (!expectedSha1.equalsIgnoreCase(sha1)) {
      Files.deleteIfExists(data);
      throw new B2Error(400, "bad_request", "Sha1 did not match data received");
    }
    synchronized (lock) {
      Map<Integer, Path> parts = partsByFileId.get(fileId);
      if (parts == null) {
        Files.deleteIfExists(data);
        throw new B2Error(400, "bad_request", "no unfinished large file " + fileId);
      }
      parts.put(partNumber, data);
    }
    Map<String, Object> part = new LinkedHashMap<>();
    part.put("fileId", fileId);
    part.put("partNumber", partNumber);
    part.put("contentLength", length);
    part.put("contentSha1", sha1);
    part.put("contentMd5", null);
    part.put("uploadTimestamp", Instant.now().toEpochMilli());
    respond(exchange, 200, part);
  }

  /** Oldest first, as B2 lists them; {@code startFileId} is inclusive. */
  private Map<String, Object> listUnfinishedLargeFiles(JsonNode body) {
    Bucket bucket = bucketById(text(body, "bucketId"));
    String prefix = text(body, "namePrefix") == null ? "" : text(body, "namePrefix");
    String startId = text(body, "startFileId");
    int max = body.path("maxFileCount").asInt(100);
    if (max < 1 || max > 100) {
      throw new B2Error(400, "bad_request", "maxFileCount out of range: " + max);
    }
    List<FileRecord> started;
    synchronized (lock) {
      started = files.stream()
          .filter(file -> file.bucketId().equals(bucket.id()) && file.action().equals("start")
              && file.fileName().startsWith(prefix))
          .sorted(Comparator.comparingLong(FileRecord::sequence))
          .toList();
    }
    long from = startId == null || filesById.get(startId) == null ? 0 : filesById.get(startId).sequence();
    List<FileRecord> fromStart = started.stream().filter(file -> file.sequence() >= from).toList();
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("files", fromStart.stream().limit(max).map(this::fileJson).toList());
    response.put("nextFileId", fromStart.size() > max ? fromStart.get(max).fileId() : null);
    return response;
  }

  /** Drops an unfinished large file and its parts; a finished or unknown one is refused with 400, as B2 does. */
  private Map<String, Object> cancelLargeFile(JsonNode body) throws IOException {
    String fileId = text(body, "fileId");
    FileRecord file;
    Map<Integer, Path> parts;
    synchronized (lock) {
      file = unfinished(fileId);
      files.remove(file);
      filesById.remove(fileId);
      parts = partsByFileId.remove(fileId);
    }
    for (Path part : parts.values()) {
      Files.deleteIfExists(part);
    }
    return Map.of("fileId", fileId, "accountId", accountId, "bucketId", file.bucketId(), "fileName",
        file.fileName());
  }

  private FileRecord unfinished(String fileId) {
    synchronized (lock) {
      FileRecord file = fileId == null ? null : filesById.get(fileId);
      if (file == null || !file.action().equals("start")) {
        throw new B2Error(400, "bad_request", "not an unfinished large file: " + fileId);
      }
      return file;
    }
  }

  private Map<String, Object> getDownloadAuthorization(JsonNode body) {
    Bucket bucket = bucketById(text(body, "bucketId"));
    String prefix = text(body, "fileNamePrefix") == null ? "" : text(body, "fileNamePrefix");
    long seconds = body.path("validDurationInSeconds").asLong(0);
    if (seconds < 1 || seconds > MAX_LINK_SECONDS) {
      throw new B2Error(400, "bad_request", "validDurationInSeconds out of range: " + seconds);
    }
    String token = "fake-download-token-" + UUID.randomUUID();
    downloadGrants.put(token, new DownloadGrant(bucket.id(), prefix, Instant.now().plusSeconds(seconds)));
    return Map.of("bucketId", bucket.id(), "fileNamePrefix", prefix, "authorizationToken", token);
  }

  /** GET /file/<bucket>/<name>, authorized by the account token or a download authorization (header or query). */
  private void download(HttpExchange exchange) throws IOException {
    String rest = exchange.getRequestURI().getRawPath().substring(DOWNLOAD_PATH.length());
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      throw new B2Error(404, "not_found", "no such file");
    }
    String bucketName = decode(rest.substring(0, slash));
    String fileName = decode(rest.substring(slash + 1));
    FileRecord file;
    synchronized (lock) {
      Bucket bucket = bucketsByName.get(bucketName);
      if (bucket == null) {
        throw new B2Error(404, "not_found", "no such bucket: " + bucketName);
      }
      requireDownloadAuthorization(exchange, bucket, fileName);
      file = newest(bucket, fileName);
    }
    if (file == null || !file.action().equals("upload")) {
      throw new B2Error(404, "not_found", "File with such name does not exist.");
    }
    Headers response = exchange.getResponseHeaders();
    response.set("Content-Type", file.contentType());
    response.set("X-Bz-File-Id", file.fileId());
    response.set("X-Bz-File-Name", URLEncoder.encode(file.fileName(), StandardCharsets.UTF_8));
    response.set("X-Bz-Content-Sha1", file.contentSha1());
    response.set("X-Bz-Upload-Timestamp", Long.toString(file.uploadTimestamp()));
    file.fileInfo().forEach((name, value) -> response.set("X-Bz-Info-" + URLEncoder.encode(name,
        StandardCharsets.UTF_8), URLEncoder.encode(value, StandardCharsets.UTF_8)));
    exchange.sendResponseHeaders(200, file.contentLength() == 0 ? -1 : file.contentLength());
    if (file.contentLength() > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        Files.copy(file.data(), out);
      }
    }
  }

  private void requireDownloadAuthorization(HttpExchange exchange, Bucket bucket, String fileName) {
    String token = exchange.getRequestHeaders().getFirst("Authorization");
    if (token == null) {
      token = queryParameter(exchange.getRequestURI().getRawQuery(), "Authorization");
    }
    if (keys.live(token)) {
      return;
    }
    DownloadGrant grant = token == null ? null : downloadGrants.get(token);
    if (grant == null || !grant.bucketId().equals(bucket.id()) || !fileName.startsWith(grant.fileNamePrefix())) {
      throw new B2Error(401, "unauthorized", "not authorized to download " + fileName);
    }
    if (Instant.now().isAfter(grant.expiresAt())) {
      throw new B2Error(401, "expired_auth_token", "download authorization expired");
    }
  }

  private void requireAccountToken(String token) {
    if (!keys.live(token)) {
      throw new B2Error(401, "bad_auth_token", "not a live account token of this server");
    }
  }

  private Bucket bucketById(String bucketId) {
    synchronized (lock) {
      return bucketsByName.values().stream()
          .filter(bucket -> bucket.id().equals(bucketId))
          .findFirst()
          .orElseThrow(() -> new B2Error(400, "bad_request", "no such bucket id: " + bucketId));
    }
  }

  /** Newest version (upload or hide marker) of a name, past unfinished large files; call holding the lock. */
  private FileRecord newest(Bucket bucket, String fileName) {
    for (FileRecord file : files.tailSet(probe(bucket, fileName), false)) {
      if (!file.bucketId().equals(bucket.id()) || !file.fileName().equals(fileName)) {
        return null;
      }
      if (!file.action().equals("start")) {
        return file;
      }
    }
    return null;
  }

  /** Sorts before every version of the name, since newer versions sort first. */
  private static FileRecord probe(Bucket bucket, String fileName) {
    return new FileRecord(bucket.id(), "", fileName, Long.MAX_VALUE, "", 0, null, null, Map.of(), 0, null);
  }

  private Map<String, Object> fileJson(FileRecord file) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("accountId", accountId);
    out.put("action", file.action());
    out.put("bucketId", file.bucketId());
    out.put("contentLength", file.contentLength());
    out.put("contentSha1", file.contentSha1());
    out.put("contentMd5", null);
    out.put("contentType", file.contentType());
    out.put("fileId", file.fileId());
    out.put("fileInfo", file.fileInfo());
    out.put("fileName", file.fileName());
    out.put("uploadTimestamp", file.uploadTimestamp());
    return out;
  }

  /** Copies exactly {@code length} bytes to {@code target} and returns their SHA-1. */
  private static String copyExactly(InputStream in, Path target, long length) throws IOException {
    MessageDigest sha1 = sha1();
    byte[] buffer = new byte[64 * 1024];
    long remaining = length;
    try (OutputStream out = Files.newOutputStream(target)) {
      while (remaining > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
        if (n < 0) {
          throw new IOException("body ended " + remaining + " bytes early");
        }
        sha1.update(buffer, 0, n);
        out.write(buffer, 0, n);
        remaining -= n;
      }
    }
    return HexFormat.of().formatHex(sha1.digest());
  }

  private void respond(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void error(HttpExchange exchange, B2Error e) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", e.status);
    body.put("code", e.code);
    body.put("message", e.getMessage());
    respond(exchange, e.status, body);
  }

  /** Reads what is left of the request, so the client gets the error rather than a reset connection. */
  private static void drain(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
  }

  private static void requireMethod(HttpExchange exchange, String method) {
    if (!exchange.getRequestMethod().equals(method)) {
      throw new B2Error(405, "method_not_allowed", exchange.getRequestMethod() + " is not allowed here");
    }
  }

  private static String required(Headers headers, String name) {
    String value = headers.getFirst(name);
    if (value == null) {
      throw new B2Error(400, "bad_request", "missing header " + name);
    }
    return value;
  }

  private static String text(JsonNode body, String field) {
    JsonNode node = body.path(field);
    return node.isString() ? node.stringValue() : null;
  }

  private static String queryParameter(String rawQuery, String name) {
    if (rawQuery == null) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0 && decode(pair.substring(0, equals)).equals(name)) {
        return decode(pair.substring(equals + 1));
      }
    }
    return null;
  }

  /** B2 percent-decodes names and reads '+' as a space, as the SDK's encoder expects. */
  private static String decode(String encoded) {
    return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
  }

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Bucket(String id, String name) {
  }

  /** One version: an upload with its bytes in {@code data}, or a hide marker without. */
  private record FileRecord(String bucketId, String fileId, String fileName, long sequence, String action,
      long contentLength, String contentType, String contentSha1, Map<String, String> fileInfo,
      long uploadTimestamp, Path data) {
  }

  private record DownloadGrant(String bucketId, String fileNamePrefix, Instant expiresAt) {
  }

  /** An upload held by {@link #pauseNextUploadOf}: tells when it arrived, and lets it go on. */
  public static final class UploadPause {

    private final java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

    /** Whether the held upload has reached the server. */
    public boolean arrived() {
      return arrived.getCount() == 0;
    }

    /** Lets the held upload be stored and answered. */
    public void release() {
      released.countDown();
    }

    private void hold() {
      arrived.countDown();
      try {
        if (!released.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
          throw new B2Error(500, "internal_error", "paused upload was never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A B2 error response: HTTP status, B2's code and a message. */
  private static final class B2Error extends RuntimeException {

    private final int status;
    private final String code;

    B2Error(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }
}
