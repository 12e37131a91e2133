package app.photobomb.ops.testsupport.cloudflare;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cloudflare on loopback, for the local stack and the benchmarks: the API's {@code POST
 * /client/v4/zones/<zone>/purge_cache} (bearer token and zone checked, {@code files} / {@code prefixes} /
 * {@code purge_everything}, the plan's token buckets enforced with 429 and Retry-After, calls counted) and an edge
 * in front of the local object store serving {@code GET/HEAD /thumb/<photoId>/<size>.webp} with
 * {@code cf-cache-status} MISS or HIT, MISS again once a purge named the URL. User API tokens too, for rotation:
 * {@code POST /client/v4/user/tokens}, {@code GET /client/v4/user/tokens} (paged, without values), {@code DELETE
 * /client/v4/user/tokens/<id>} and {@code GET /client/v4/user/tokens/verify}; purges take any live token, a deleted
 * one is refused at once. The JDK's HTTP server, not WireMock: every answer depends on state (buckets, cache,
 * counters), which stubs would need an extension for each.
 */
public final class CloudflareStandIn implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CloudflareStandIn.class);
  private static final String API_PREFIX = "/client/v4";
  private static final String LOOPBACK = "127.0.0.1";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * What the stand-in plays.
   *
   * @param port where it listens on loopback (0: any free port)
   * @param apiToken the first live token, which purges and token calls carry as {@code Authorization: Bearer <token>}
   * @param zoneId the one zone it holds, whose host is the stand-in's own ({@code 127.0.0.1})
   * @param plan the plan whose limits it enforces
   * @param thumbnailsBucket the local object store's thumbnails bucket directory the edge serves; null: none
   */
  public record Settings(int port, String apiToken, String zoneId, CloudflarePlanLimits plan, Path thumbnailsBucket) {
  }

  private final Settings settings;
  private final HttpServer server;
  private final ExecutorService threads;
  private final EdgeCache edge;
  private final ApiTokens tokens;
  private final TokenBucket requests;
  private final TokenBucket urls;
  private final TokenBucket api;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong purgeCalls = new AtomicLong();
  private final AtomicLong urlsPurged = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final Map<String, Integer> purgedTargets = new ConcurrentHashMap<>();
  private volatile long stormEndsAt;

  private CloudflareStandIn(Settings settings, HttpServer server, ExecutorService threads) {
    this.settings = settings;
    this.server = server;
    this.threads = threads;
    this.edge = new EdgeCache(LOOPBACK, settings.thumbnailsBucket());
    this.tokens = new ApiTokens(settings.apiToken());
    long now = System.nanoTime();
    CloudflarePlanLimits plan = settings.plan();
    this.requests = new TokenBucket(plan.requestBurst(), plan.requestsPerSecond(), now);
    this.urls = new TokenBucket(plan.urlsPerSecond(), plan.urlsPerSecond(), now);
    this.api = new TokenBucket(CloudflarePlanLimits.API_CALLS_PER_FIVE_MINUTES,
        CloudflarePlanLimits.API_CALLS_PER_FIVE_MINUTES / 300.0, now);
  }

  /** Starts it on loopback; {@link #close} stops it. */
  public static CloudflareStandIn start(Settings settings) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(LOOPBACK), settings.port()), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + LOOPBACK + ":" + settings.port(), e);
    }
    AtomicInteger counter = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(4, runnable -> {
      Thread thread = new Thread(runnable, "cloudflare-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    CloudflareStandIn standIn = new CloudflareStandIn(settings, server, threads);
    server.setExecutor(threads);
    server.createContext("/", exchange -> standIn.handle(exchange));
    server.start();
    return standIn;
  }

  /** Its own URL, also the zone's: purged URLs are {@code <baseUrl>/thumb/<photoId>/<size>.webp}. */
  public String baseUrl() {
    return "http://" + LOOPBACK + ":" + port();
  }

  /** The API's base URL, as the cdn-service's {@code photobomb.cdn.cloudflare.api-url} takes it. */
  public String apiUrl() {
    return baseUrl() + API_PREFIX;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public CloudflarePlanLimits plan() {
    return settings.plan();
  }

  /** Ids and names of the live tokens, the configured one first; never their values. */
  public Map<String, String> liveTokens() {
    Map<String, String> names = new LinkedHashMap<>();
    tokens.all().forEach(token -> names.put(token.id(), token.name()));
    return names;
  }

  /** Purge calls received, whatever their answer. */
  public long calls() {
    return calls.get();
  }

  /** Purge calls answered 200. */
  public long purgeCalls() {
    return purgeCalls.get();
  }

  /** URLs and prefixes in calls answered 200 (a purge of everything counts none). */
  public long urlsPurged() {
    return urlsPurged.get();
  }

  /** Calls answered 429: over the plan's limits. */
  public long rateLimited() {
    return rateLimited.get();
  }

  /**
   * A 429 storm, as Cloudflare answers a zone whose limits another client used up: for {@code length}, every purge
   * is answered 429 with {@code Retry-After} (the seconds left of the storm, at least 1), whatever the buckets hold.
   */
  public void rateLimitEverythingFor(Duration length) {
    stormEndsAt = System.nanoTime() + length.toNanos();
  }

  /** Each URL and prefix of the calls answered 200, with how many such calls named it. */
  public Map<String, Integer> purgedTargets() {
    return Map.copyOf(purgedTargets);
  }

  /** Calls refused otherwise: authentication, zone, body, size. */
  public long refused() {
    return refused.get();
  }

  /** Edge fetches answered from the cache. */
  public long cacheHits() {
    return hits.get();
  }

  /** Edge fetches that went to the origin. */
  public long cacheMisses() {
    return misses.get();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      if (path.startsWith(API_PREFIX + "/")) {
        api(exchange, path.substring(API_PREFIX.length()));
      } else if (path.startsWith("/thumb/")) {
        thumbnail(exchange, path);
      } else {
        send(exchange, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
      }
    } catch (RuntimeException e) {
      log.warn("cloudflare stand-in failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      throw e;
    }
  }

  private void api(HttpExchange exchange, String path) throws IOException {
    String[] parts = path.split("/");
    if (parts.length >= 3 && "user".equals(parts[1]) && "tokens".equals(parts[2])) {
      userTokens(exchange, parts);
      return;
    }
    // "", "zones", zone, "purge_cache"
    if (parts.length != 4 || !"zones".equals(parts[1]) || !"purge_cache".equals(parts[3])) {
      error(exchange, 404, 7000, "No route for that URI");
      return;
    }
    if (!"POST".equals(exchange.getRequestMethod())) {
      error(exchange, 405, 10405, "Method not allowed for this route");
      return;
    }
    calls.incrementAndGet();
    String bearer = bearer(exchange);
    if (bearer == null) {
      refuse(exchange, 401, 10000, "Authentication error", "no bearer token");
      return;
    }
    if (tokens.live(bearer).isEmpty()) {
      refuse(exchange, 403, 10000, "Authentication error", "not a live token");
      return;
    }
    String zone = parts[2];
    if (!zone.equals(settings.zoneId())) {
      refuse(exchange, 400, 7003, "Could not route to /zones/" + zone + "/purge_cache, perhaps your object "
          + "identifier is invalid?", "another zone");
      return;
    }
    Purge purge = purge(body(exchange));
    if (purge.refusal() != null) {
      refuse(exchange, 400, purge.code(), purge.refusal(), "bad body");
      return;
    }
    long stormLeft = stormEndsAt - System.nanoTime();
    long retryAfter = stormLeft > 0 ? Math.max(1, TimeUnit.NANOSECONDS.toSeconds(stormLeft))
        : spend(purge);
    if (retryAfter > 0) {
      rateLimited.incrementAndGet();
      log.warn("429 to a purge by {} of {}: over the {} plan's limits, Retry-After {} s", purge.kind(),
          purge.targets().size(), settings.plan().name(), retryAfter);
      exchange.getResponseHeaders().set("Retry-After", Long.toString(retryAfter));
      error(exchange, 429, 971, "Please wait and consider throttling your request speed");
      return;
    }
    int dropped = switch (purge.kind()) {
      case "files" -> edge.purgeFiles(purge.targets());
      case "prefixes" -> edge.purgePrefixes(purge.targets());
      default -> edge.purgeEverything();
    };
    purgeCalls.incrementAndGet();
    urlsPurged.addAndGet(purge.targets().size());
    purge.targets().forEach(target -> purgedTargets.merge(target, 1, Integer::sum));
    log.debug("purge by {} of {}: {} cached copies dropped", purge.kind(), purge.targets().size(), dropped);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("success", true);
    answer.put("errors", List.of());
    answer.put("messages", List.of());
    answer.put("result", Map.of("id", UUID.randomUUID().toString().replace("-", "")));
    send(exchange, 200, "application/json", JSON.writeValueAsBytes(answer));
  }

  /** {@code /user/tokens}: create (POST), delete (DELETE {@code /<id>}), verify (GET {@code /verify}). */
  private void userTokens(HttpExchange exchange, String[] parts) throws IOException {
    String method = exchange.getRequestMethod();
    String bearer = bearer(exchange);
    Optional<ApiTokens.Token> caller = bearer == null ? Optional.empty() : tokens.live(bearer);
    if (parts.length == 4 && "verify".equals(parts[3]) && "GET".equals(method)) {
      // verify answers a dead token 401 with code 1000, where other endpoints say 10000 "Authentication error"
      if (caller.isEmpty()) {
        error(exchange, 401, 1000, "Invalid API Token");
        return;
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("id", caller.get().id());
      result.put("status", "active");
      success(exchange, result, List.of(Map.of("code", 10000, "message",
          "This API Token is valid and active")));
      return;
    }
    if (caller.isEmpty()) {
      error(exchange, bearer == null ? 401 : 403, 10000, "Authentication error");
      return;
    }
    if (parts.length == 3 && "POST".equals(method)) {
      createToken(exchange);
    } else if (parts.length == 3 && "GET".equals(method)) {
      listTokens(exchange);
    } else if (parts.length == 4 && "DELETE".equals(method)) {
      Optional<ApiTokens.Token> deleted = tokens.delete(parts[3]);
      if (deleted.isEmpty()) {
        error(exchange, 404, 7003, "Could not route to /user/tokens/" + parts[3] + ", perhaps your object "
            + "identifier is invalid?");
        return;
      }
      log.info("cloudflare token {} ({}) deleted", deleted.get().id(), deleted.get().name());
      success(exchange, Map.of("id", deleted.get().id()), List.of());
    } else {
      error(exchange, 405, 10405, "Method not allowed for this route");
    }
  }

  /** {@code GET /user/tokens?page=&per_page=}: the live tokens, oldest first, without their values. */
  private void listTokens(HttpExchange exchange) throws IOException {
    Map<String, String> query = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    for (String pair : raw == null ? new String[0] : raw.split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        query.put(pair.substring(0, equals), pair.substring(equals + 1));
      }
    }
    int page;
    int perPage;
    try {
      page = Integer.parseInt(query.getOrDefault("page", "1"));
      perPage = Integer.parseInt(query.getOrDefault("per_page", "20"));
    } catch (NumberFormatException e) {
      error(exchange, 400, 1001, "page and per_page must be numbers");
      return;
    }
    if (page < 1 || perPage < 5 || perPage > 50) {
      error(exchange, 400, 1001, "page must be at least 1 and per_page 5 to 50");
      return;
    }
    List<ApiTokens.Token> all = tokens.all();
    List<Map<String, Object>> result = all.stream().skip((long) (page - 1) * perPage).limit(perPage)
        .map(CloudflareStandIn::tokenJson).toList();
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("success", true);
    answer.put("errors", List.of());
    answer.put("messages", List.of());
    answer.put("result", result);
    answer.put("result_info", Map.of("page", page, "per_page", perPage, "count", result.size(),
        "total_count", all.size(), "total_pages", (all.size() + perPage - 1) / perPage));
    send(exchange, 200, "application/json", JSON.writeValueAsBytes(answer));
  }

  private static Map<String, Object> tokenJson(ApiTokens.Token token) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("id", token.id());
    result.put("name", token.name());
    result.put("status", "active");
    result.put("issued_on", token.issuedOn().toString());
    result.put("modified_on", token.issuedOn().toString());
    result.put("policies", token.policies() == null ? List.of() : token.policies());
    result.put("condition", Map.of());
    return result;
  }

  private void createToken(HttpExchange exchange) throws IOException {
    JsonNode body;
    try {
      body = JSON.readTree(body(exchange));
    } catch (JacksonException e) {
      body = null;
    }
    JsonNode name = body == null ? null : body.get("name");
    JsonNode policies = body == null ? null : body.get("policies");
    if (name == null || !name.isString() || name.asString().isBlank() || name.asString().length() > 120) {
      error(exchange, 400, 1001, "name is required and at most 120 characters");
      return;
    }
    if (policies == null || !policies.isArray() || policies.isEmpty()) {
      error(exchange, 400, 1001, "policies must be a non-empty array");
      return;
    }
    ApiTokens.Token token = tokens.create(name.asString(), policies);
    log.info("cloudflare token {} ({}) created", token.id(), token.name());
    Map<String, Object> result = tokenJson(token);
    // the value is in this answer only: Cloudflare never shows it again
    result.put("value", token.value());
    success(exchange, result, List.of());
  }

  private static String bearer(HttpExchange exchange) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    return authorization == null || !authorization.startsWith("Bearer ") ? null
        : authorization.substring("Bearer ".length());
  }

  private static void success(HttpExchange exchange, Object result, List<?> messages) throws IOException {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("success", true);
    answer.put("errors", List.of());
    answer.put("messages", messages);
    answer.put("result", result);
    send(exchange, 200, "application/json", JSON.writeValueAsBytes(answer));
  }

  /** A purge call's body, read: its kind and targets, or why Cloudflare would refuse it. */
  private record Purge(String kind, List<String> targets, int code, String refusal) {

    static Purge refused(int code, String refusal) {
      return new Purge(null, List.of(), code, refusal);
    }
  }

  private Purge purge(byte[] body) {
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (JacksonException e) {
      return Purge.refused(1012, "Request must contain one of \"purge_everything\", \"files\", \"tags\", \"hosts\" "
          + "or \"prefixes\"");
    }
    if (json != null && json.path("purge_everything").isBoolean() && json.path("purge_everything").booleanValue()) {
      return new Purge("everything", List.of(), 0, null);
    }
    for (String kind : List.of("files", "prefixes")) {
      JsonNode items = json == null ? null : json.get(kind);
      if (items == null || !items.isArray() || items.isEmpty()) {
        continue;
      }
      List<String> targets = new ArrayList<>();
      for (JsonNode item : items) {
        // a file is a URL, or an object with its URL and the headers of its cache key
        JsonNode url = item.isObject() ? item.path("url") : item;
        if (!url.isString()) {
          return Purge.refused(1012, "Each of \"" + kind + "\" must be a string");
        }
        targets.add(url.asString());
      }
      int most = "files".equals(kind) ? settings.plan().urlsPerRequest() : settings.plan().prefixesPerRequest();
      if (targets.size() > most) {
        return Purge.refused(1016, "Too many " + kind + " in one purge request: " + targets.size() + ", at most "
            + most + " on the " + settings.plan().name() + " plan");
      }
      return new Purge(kind, targets, 0, null);
    }
    return Purge.refused(1012, "Request must contain one of \"purge_everything\", \"files\", \"tags\", \"hosts\" "
        + "or \"prefixes\"");
  }

  /**
   * Takes the call's tokens when every bucket it spends has them, and returns 0; else takes none and returns the
   * seconds until they are there (the Retry-After). By URL: the URL rate; otherwise the request bucket; always the
   * API's overall limit.
   */
  private synchronized long spend(Purge purge) {
    long now = System.nanoTime();
    boolean byUrl = "files".equals(purge.kind());
    long wait = Math.max(api.waitNanos(1, now),
        byUrl ? urls.waitNanos(purge.targets().size(), now) : requests.waitNanos(1, now));
    if (wait > 0) {
      return Math.max(1, (long) Math.ceil(wait / 1e9));
    }
    api.take(1, now);
    if (byUrl) {
      urls.take(purge.targets().size(), now);
    } else {
      requests.take(1, now);
    }
    return 0;
  }

  private void thumbnail(HttpExchange exchange, String path) throws IOException {
    String method = exchange.getRequestMethod();
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      send(exchange, 405, "text/plain", "GET or HEAD\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    String[] parts = path.split("/");
    // "", "thumb", photoId, "<size>.webp"
    if (parts.length != 4 || !EdgeCache.isThumbnail(parts[2], parts[3])) {
      send(exchange, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    EdgeCache.Fetch fetch = edge.fetch(parts[2], parts[3]);
    (fetch.hit() ? hits : misses).incrementAndGet();
    exchange.getResponseHeaders().set("cf-cache-status", fetch.hit() ? "HIT" : "MISS");
    if (fetch.body() == null) {
      send(exchange, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
      return;
    }
    exchange.getResponseHeaders().set("Cache-Control", "public, max-age=31536000");
    send(exchange, 200, "image/webp", fetch.body());
  }

  private void refuse(HttpExchange exchange, int status, int code, String message, String why) throws IOException {
    refused.incrementAndGet();
    log.warn("purge refused with {} {} ({})", status, code, why);
    error(exchange, status, code, message);
  }

  private static void error(HttpExchange exchange, int status, int code, String message) throws IOException {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("success", false);
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    answer.put("errors", List.of(error));
    answer.put("messages", List.of());
    answer.put("result", null);
    send(exchange, status, "application/json", JSON.writeValueAsBytes(answer));
  }

  private static byte[] body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return in.readAllBytes();
    }
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if ("HEAD".equals(exchange.getRequestMethod())) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
