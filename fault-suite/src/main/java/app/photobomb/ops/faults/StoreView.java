package app.photobomb.ops.faults;

import app.photobomb.ops.storage.b2.FakeB2Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The object stores as seen from outside the services: the originals and thumbnails buckets in B2 (the fake B2
 * server), the export archives in the local store, as production keeps them in B2 and GCS.
 */
final class StoreView {

  private final Path root;
  private final FakeB2Server b2;

  StoreView(Path root, FakeB2Server b2) {
    this.root = root;
    this.b2 = b2;
  }

  /**
   * The keys under {@code prefix} in {@code bucket}: in B2 every name with a version left (a hide marker too), in
   * the local store every file (temporary files of an upload included).
   */
  List<String> keys(String bucket, String prefix) {
    if (inB2(bucket)) {
      return b2.fileNames(bucket, prefix);
    }
    Path bucketDir = root.resolve(bucket);
    Path start = bucketDir.resolve(prefix);
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(start)) {
      return files.filter(Files::isRegularFile).map(f -> bucketDir.relativize(f).toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + start, e);
    }
  }

  boolean exists(String bucket, String key) {
    return inB2(bucket) ? b2.exists(bucket, key) : Files.isRegularFile(root.resolve(bucket).resolve(key));
  }

  private boolean inB2(String bucket) {
    return b2 != null && !SuiteServers.EXPORTS.equals(bucket);
  }

  /** A local store's file (the export archives). */
  Path path(String bucket, String key) {
    return root.resolve(bucket).resolve(key);
  }
}
