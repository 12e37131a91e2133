package app.photobomb.ops.common.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

/**
 * SHA-256 computed on its own thread while the writer goes on: an export hashes every photo (for its manifest)
 * and the whole archive (for its event), which on one thread would take as long as moving the bytes. Bytes are
 * copied into a fixed pool of 32 chunks of 256 KiB (8 MiB ahead at most, reused, so hashing makes no garbage);
 * a writer faster than the hash waits for a free chunk. {@link #digest()} ends one file without waiting for its
 * hash, so one instance (and one thread) serves many files and the writer never stops at a file's end. Not
 * thread-safe: one writer.
 */
public final class BackgroundSha256 implements AutoCloseable {

  private static final int CHUNK = 256 * 1024;
  private static final int CHUNKS = 32;
  private static final Work STOP = new Work(null, 0, null);

  /** Bytes to hash ({@code bytes}), or the end of a file whose hash completes {@code digest}. */
  private record Work(byte[] bytes, int length, CompletableFuture<String> digest) {}

  private final BlockingQueue<Work> work = new ArrayBlockingQueue<>(2 * CHUNKS);
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
  private final MessageDigest sha256;
  private final Thread hasher;
  private int allocated;
  private byte[] pending;
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
      for (Work next = work.take(); next != STOP; next = work.take()) {
        if (next.digest() != null) {
          next.digest().complete(HexFormat.of().formatHex(sha256.digest()));
        } else {
          sha256.update(next.bytes(), 0, next.length());
          free.add(next.bytes());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public void update(byte[] buffer, int offset, int length) {
    while (length > 0) {
      if (pending == null) {
        pending = freeChunk();
      }
      int n = Math.min(length, CHUNK - pendingLength);
      System.arraycopy(buffer, offset, pending, pendingLength, n);
      pendingLength += n;
      offset += n;
      length -= n;
      if (pendingLength == CHUNK) {
        handPending();
      }
    }
  }

  /** Ends the current file: its hash (of everything since the previous call, or the start) completes later. */
  public CompletableFuture<String> digest() {
    if (pendingLength > 0) {
      handPending();
    }
    CompletableFuture<String> digest = new CompletableFuture<>();
    hand(new Work(null, 0, digest));
    return digest;
  }

  /** Waits for the hash of everything written since the previous call (or the start), and starts anew. */
  public String hex() {
    try {
      return digest().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the SHA-256 was computed", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the SHA-256 failed", e.getCause());
    }
  }

  private byte[] freeChunk() {
    byte[] chunk = free.poll();
    if (chunk != null) {
      return chunk;
    }
    if (allocated < CHUNKS) {
      allocated++;
      return new byte[CHUNK];
    }
    try {
      return free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while hashing", e);
    }
  }

  private void handPending() {
    hand(new Work(pending, pendingLength, null));
    pending = null;
    pendingLength = 0;
  }

  private void hand(Work next) {
    try {
      work.put(next);
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
