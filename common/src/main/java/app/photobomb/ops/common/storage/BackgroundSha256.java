package app.photobomb.ops.common.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A SHA-256 computed on its own thread while the writer goes on: an upload that is also hashed elsewhere (an
 * export hashes every photo for its manifest) would otherwise spend half its time hashing on one core. Bytes are
 * copied in 256 KiB chunks into a queue of eight, so at most about 2 MiB wait; a writer faster than the hash
 * waits for it. Not thread-safe: one writer.
 */
final class BackgroundSha256 implements AutoCloseable {

  private static final int CHUNK = 256 * 1024;
  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(8);
  private final MessageDigest sha256;
  private final Thread hasher;
  private byte[] pending = new byte[CHUNK];
  private int pendingLength;
  private boolean ended;

  BackgroundSha256() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    hasher = new Thread(this::hashUntilEnd, "upload-sha256");
    hasher.setDaemon(true);
    hasher.start();
  }

  private void hashUntilEnd() {
    try {
      for (byte[] chunk = chunks.take(); chunk != END; chunk = chunks.take()) {
        sha256.update(chunk);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void update(byte[] buffer, int offset, int length) {
    while (length > 0) {
      int n = Math.min(length, CHUNK - pendingLength);
      System.arraycopy(buffer, offset, pending, pendingLength, n);
      pendingLength += n;
      offset += n;
      length -= n;
      if (pendingLength == CHUNK) {
        hand(pending);
        pending = new byte[CHUNK];
        pendingLength = 0;
      }
    }
  }

  /** Waits for the hash of everything written; call once. */
  String hex() {
    if (pendingLength > 0) {
      hand(Arrays.copyOf(pending, pendingLength));
      pendingLength = 0;
    }
    hand(END);
    ended = true;
    try {
      hasher.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the SHA-256 was computed", e);
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  private void hand(byte[] chunk) {
    try {
      chunks.put(chunk);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while hashing", e);
    }
  }

  /** Stops the hashing thread of an abandoned upload. */
  @Override
  public void close() {
    if (!ended) {
      ended = true;
      hasher.interrupt();
    }
  }
}
