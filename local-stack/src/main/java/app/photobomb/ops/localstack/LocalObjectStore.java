package app.photobomb.ops.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/** The local object store of the stack: one directory per bucket under a root, one file per object key. */
final class LocalObjectStore {

  static final String PROVIDER = "local";
  static final String ORIGINALS_BUCKET = "photobomb-originals";
  static final String THUMBNAILS_BUCKET = "photobomb-thumbnails";

  private final Path root;

  LocalObjectStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  Path root() {
    return root;
  }

  static String originalKey(UUID userId, UUID photoId) {
    return "originals/" + userId + "/" + photoId + ".jpg";
  }

  static String thumbnailKey(UUID photoId, int size) {
    return "thumbs/" + photoId + "/" + size + ".webp";
  }

  Path pathOf(String bucket, String objectKey) {
    Path bucketDir = root.resolve(bucket).normalize();
    Path path = bucketDir.resolve(objectKey).normalize();
    if (!path.startsWith(bucketDir) || path.equals(bucketDir)) {
      throw new IllegalArgumentException("Object key escapes its bucket: " + objectKey);
    }
    return path;
  }

  /**
   * Writes the object so that a reader sees either the old file or the whole new one, never a torn write: the bytes
   * go to a temporary file in the target directory, which is then renamed over the target.
   */
  StoredObject put(String kind, String bucket, String objectKey, byte[] bytes) throws IOException {
    Path target = pathOf(bucket, objectKey);
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      Files.write(temp, bytes);
      moveIntoPlace(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
    return new StoredObject(kind, bucket, objectKey, target, Files.size(target), sha256Hex(bytes));
  }

  private static void moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Some filesystems (certain bind mounts) refuse an atomic rename; a plain replace still never leaves a partial
      // file under the final name because the bytes are complete before the move.
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static String sha256Hex(byte[] bytes) {
    return digestHex("SHA-256", bytes);
  }

  private static String digestHex(String algorithm, byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required of every Java platform", e);
    }
  }

  /** One object as written to the store, with what a photo_files row records about it. */
  record StoredObject(String kind, String bucket, String objectKey, Path path, long sizeBytes, String sha256) {

    /** A stable provider file id: the local store has none of its own, so it is derived from bucket and key. */
    String fileId() {
      return "local-" + digestHex("SHA-1", (bucket + "/" + objectKey).getBytes(StandardCharsets.UTF_8)).substring(0, 20);
    }
  }
}
