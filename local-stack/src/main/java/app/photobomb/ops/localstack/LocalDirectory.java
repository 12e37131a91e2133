package app.photobomb.ops.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * The local stack's own directory ({@code PHOTOBOMB_LOCAL_DIR}): it holds every server's data and survives restarts.
 * The stack only ever writes into a directory that is new, empty or carries the marker file it wrote there, and a
 * reset deletes only such a directory, so that {@code PHOTOBOMB_LOCAL_DIR=.} or {@code $HOME} is refused, never wiped.
 * A lock file keeps two stacks from running on one directory.
 */
final class LocalDirectory implements AutoCloseable {

  static final String MARKER = ".photobomb-local-stack";
  private static final String LOCK = "stack.lock";

  private final Path root;
  private final boolean fresh;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private LocalDirectory(Path root, boolean fresh, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.fresh = fresh;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Takes the directory for this run: creates it (with the marker) when it is missing or empty, reuses it when it
   * carries the marker, refuses it otherwise, and refuses it while another stack runs on it.
   */
  static LocalDirectory open(Path directory) {
    Path root = directory.toAbsolutePath().normalize();
    try {
      boolean fresh = !hasMarker(root);
      if (fresh) {
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(root)) {
          throw new LocalDirectoryRefusedException(root + " is not empty and has no " + MARKER
              + " file, so it is not the local stack's directory; the stack writes only into a new or empty"
              + " directory. Set PHOTOBOMB_LOCAL_DIR to another one (default .local).");
        }
        Files.createDirectories(root);
        Files.writeString(root.resolve(MARKER),
            "Written by the photobomb-ops local stack: this directory holds its data, and --reset may delete it.\n");
      }
      FileChannel channel = FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new LocalDirectoryRefusedException("another local stack is running on " + root
            + "; stop it first (Ctrl-C in its terminal)");
      }
      return new LocalDirectory(root, fresh, channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + root, e);
    }
  }

  /**
   * Deletes the directory so that the next start begins anew, but only if it carries the marker (or does not
   * exist); anything else is refused and left as it is. Symbolic links inside are removed, never followed.
   */
  static void reset(Path directory) {
    Path root = directory.toAbsolutePath().normalize();
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!hasMarker(root)) {
      throw new LocalDirectoryRefusedException("refusing to reset " + root + ": it has no " + MARKER
          + " file, so the local stack did not make it; nothing was deleted");
    }
    try (LocalDirectory running = open(root)) {
      // Holding the lock while deleting proves no stack is using the directory.
      deleteContents(root);
      // The marker goes last: a reset that fails half-way can be run again.
      Files.delete(root.resolve(MARKER));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reset " + root, e);
    }
    try {
      Files.delete(root);
    } catch (DirectoryNotEmptyException e) {
      throw new IllegalStateException(root + " changed while it was being reset", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reset " + root, e);
    }
  }

  private static void deleteContents(Path root) {
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
          // The lock file goes once the lock is released, the marker after everything else.
          if (!file.equals(root.resolve(LOCK)) && !file.equals(root.resolve(MARKER))) {
            Files.delete(file);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
          if (failure != null) {
            throw failure;
          }
          if (!dir.equals(root)) {
            Files.delete(dir);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reset " + root, e);
    }
  }

  private static boolean hasMarker(Path root) {
    return Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)
        && Files.isRegularFile(root.resolve(MARKER), LinkOption.NOFOLLOW_LINKS);
  }

  private static boolean isEmptyDirectory(Path root) throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(root)) {
      return entries.findAny().isEmpty();
    }
  }

  Path root() {
    return root;
  }

  /** True when this run created the directory (first start, or after a reset): the demo data is loaded then. */
  boolean fresh() {
    return fresh;
  }

  Path resolve(String name) {
    return root.resolve(name);
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
      if (!Files.exists(root.resolve(MARKER))) {
        Files.deleteIfExists(root.resolve(LOCK));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The directory is not the local stack's, or is in use; the message says what to do. */
  static final class LocalDirectoryRefusedException extends IllegalStateException {

    LocalDirectoryRefusedException(String message) {
      super(message);
    }
  }
}
