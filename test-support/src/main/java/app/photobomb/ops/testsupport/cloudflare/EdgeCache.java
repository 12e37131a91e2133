package app.photobomb.ops.testsupport.cloudflare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The stand-in's edge: thumbnails {@code /thumb/<photoId>/<size>.webp} fetched from the thumbnails bucket of the
 * local object store ({@code <bucket>/thumbs/<photoId>/<size>.webp}) on a miss and served from memory after, as they
 * were when fetched, until a purge names their URL, a prefix of it, or everything. What the origin lacks (404) is
 * not cached, so it answers MISS each time.
 */
final class EdgeCache {

  private static final Pattern PHOTO_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern FILE = Pattern.compile("\\d{1,5}\\.webp");

  /** A fetch's outcome: served from the cache or not; the bytes, or null when the origin has no such thumbnail. */
  record Fetch(boolean hit, byte[] body) {
  }

  private final String host;
  private final Path thumbnailsBucket;
  private final Map<String, byte[]> cached = new ConcurrentHashMap<>();

  /**
   * @param host the zone's host, whose URLs and prefixes purges name
   * @param thumbnailsBucket the bucket directory the thumbnails come from; null: an origin with none
   */
  EdgeCache(String host, Path thumbnailsBucket) {
    this.host = host.toLowerCase(Locale.ROOT);
    this.thumbnailsBucket = thumbnailsBucket;
  }

  /** Whether {@code photoId} and {@code file} can name a thumbnail at all (no path tricks). */
  static boolean isThumbnail(String photoId, String file) {
    return PHOTO_ID.matcher(photoId).matches() && FILE.matcher(file).matches();
  }

  Fetch fetch(String photoId, String file) {
    String path = "/thumb/" + photoId + "/" + file;
    boolean[] miss = {false};
    // the origin is read inside computeIfAbsent, so a purge of this path waits for the fetch instead of being lost
    byte[] body = cached.computeIfAbsent(path, key -> {
      miss[0] = true;
      return origin(photoId, file);
    });
    return new Fetch(!miss[0], body);
  }

  /** Drops the cached copies of the URLs of this zone's host; returns how many were cached. */
  int purgeFiles(List<String> urls) {
    int dropped = 0;
    for (String url : urls) {
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (uri.getHost() != null && host.equals(uri.getHost().toLowerCase(Locale.ROOT)) && uri.getRawPath() != null
          && cached.remove(uri.getRawPath()) != null) {
        dropped++;
      }
    }
    return dropped;
  }

  /**
   * Drops every cached copy under each prefix ({@code host/path}, as Cloudflare takes them: no scheme; a port is
   * ignored); returns how many.
   */
  int purgePrefixes(List<String> prefixes) {
    int dropped = 0;
    for (String prefix : prefixes) {
      String rest = prefix.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
      int slash = rest.indexOf('/');
      String prefixHost = (slash < 0 ? rest : rest.substring(0, slash)).replaceFirst(":\\d+$", "");
      if (!host.equals(prefixHost.toLowerCase(Locale.ROOT))) {
        continue;
      }
      String path = slash < 0 ? "/" : rest.substring(slash);
      String directory = path.endsWith("/") ? path : path + "/";
      int[] removed = {0};
      cached.keySet().removeIf(key -> (key.equals(path) || key.startsWith(directory)) && ++removed[0] > 0);
      dropped += removed[0];
    }
    return dropped;
  }

  int purgeEverything() {
    int dropped = cached.size();
    cached.clear();
    return dropped;
  }

  private byte[] origin(String photoId, String file) {
    if (thumbnailsBucket == null) {
      return null;
    }
    Path thumbnail = thumbnailsBucket.resolve("thumbs").resolve(photoId).resolve(file);
    try {
      return Files.isRegularFile(thumbnail) ? Files.readAllBytes(thumbnail) : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + thumbnail, e);
    }
  }
}
