package app.photobomb.ops.common.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * SHA-256 computed on its own thread while the writer goes on: an export hashes every photo (for its manifest)
 * and the whole archive (for its event), which on one thread would take as long as moving the bytes. Bytes are
 * copied in 256 KiB chunks into a queue of eight, so at most about 2 MiB wait; a writer faster than the hash
 * waits for it. {@link #hex()} answers the hash of everything since the previous call, so one instance (and one
 * thread) serves many files. Not thread-safe: one writer.
 */
public final class BackgroundSha256 implements AutoCloseable {

  private static final int CHUNK = 256 * 1024;
  private static final byte[] DIGEST = new byte[0];
  private static final byte[] STOP = new byte[0];

  private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(8);
  private final BlockingQueue<String> digests = new ArrayBlockingQueue<>(1);
  private final MessageDigest sha256;
  private final Thread hasher;
  private byte[] pending = new byte[CHUNK];
  private int pendingLength;
  private boolean closed;

  public BackgroundSha256() {
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
      for (byte[] chunk = chunks.take(); chunk != STOP; chunk = chunks.take()) {
        if (chunk == DIGEST) {
          digests.put(HexFormat.of().formatHex(sha256.digest()));
        } else {
          sha256.update(chunk);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public void update(byte[] buffer, int offset, int length) {
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

  /** Waits for the hash of everything written since the previous call (or the start), and starts anew. */
  public String hex() {
    if (pendingLength > 0) {
      hand(Arrays.copyOf(pending, pendingLength));
      pendingLength = 0;
    }
    hand(DIGEST);
    try {
      return digests.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the SHA-256 was computed", e);
    }
  }

  private void hand(byte[] chunk) {
    try {
      chunks.put(chunk);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while hashing", e);
    }
  }

  /** Stops the hashing thread. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      hasher.interrupt();
    }
  }
}
