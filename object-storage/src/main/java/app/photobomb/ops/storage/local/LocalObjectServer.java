package app.photobomb.ops.storage.local;

import app.photobomb.ops.common.storage.ObjectNotFoundException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves the local store's signed download links over HTTP on loopback, as GCS serves signed URLs. */
public final class LocalObjectServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalObjectServer.class);
  private static final String PREFIX = "/objects/";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
    Thread thread = new Thread(runnable, "local-object-server");
    thread.setDaemon(true);
    return thread;
  });
  private final LocalFileObjectStore store;
  private final LocalLinkSigner signer;

  private LocalObjectServer(int port, LocalFileObjectStore store, LocalLinkSigner signer) throws IOException {
    this.store = store;
    this.signer = signer;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
    server.createContext(PREFIX, this::serve);
    server.setExecutor(executor);
  }

  /** Starts on the port (0 for any free one). */
  public static LocalObjectServer start(int port, LocalFileObjectStore store, LocalLinkSigner signer) {
    try {
      LocalObjectServer server = new LocalObjectServer(port, store, signer);
      server.server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve local download links on port " + port, e);
    }
  }

  /** Base URL to sign links against, e.g. http://127.0.0.1:8090. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      String path = exchange.getRequestURI().getRawPath().substring(PREFIX.length());
      int slash = path.indexOf('/');
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      if (slash < 0 || !query.containsKey("expires")) {
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      String bucket = decode(path.substring(0, slash));
      String key = decode(path.substring(slash + 1));
      if (!signer.isValid(bucket, key, parseLong(query.get("expires")), query.get("signature"))) {
        exchange.sendResponseHeaders(403, -1);
        return;
      }
      try (InputStream in = store.get(bucket, key)) {
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, store.stat(bucket, key).map(v -> v.size()).orElse(0L));
        try (OutputStream out = exchange.getResponseBody()) {
          in.transferTo(out);
        }
      } catch (ObjectNotFoundException | IllegalArgumentException e) {
        exchange.sendResponseHeaders(404, -1);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("serving {} failed", exchange.getRequestURI().getPath(), e);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int equals = pair.indexOf('=');
        if (equals > 0) {
          values.put(decode(pair.substring(0, equals)), decode(pair.substring(equals + 1)));
        }
      }
    }
    return values;
  }

  private static long parseLong(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
