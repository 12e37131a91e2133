package app.photobomb.ops.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The local object store as seen from outside the services: which files lie under a bucket's prefix. */
final class StoreView {

  private final Path root;

  StoreView(Path root) {
    this.root = root;
  }

  /** The keys of every file under {@code prefix} in {@code bucket}, temporary files of an upload included. */
  List<String> keys(String bucket, String prefix) {
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
    return Files.isRegularFile(root.resolve(bucket).resolve(key));
  }

  Path path(String bucket, String key) {
    return root.resolve(bucket).resolve(key);
  }
}
