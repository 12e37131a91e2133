package app.photobomb.ops.common.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Passes bytes through while counting them and computing their SHA-256 (and, when asked, the SHA-1 that B2
 * wants), so that a put streams once and still knows its size and checksums. Not thread-safe.
 */
public final class MeasuredInputStream extends FilterInputStream {

  private final MessageDigest sha256 = digest("SHA-256");
  private final MessageDigest sha1;
  private long count;

  public MeasuredInputStream(InputStream in) {
    this(in, false);
  }

  /** With {@code alsoSha1}, the SHA-1 is computed too; it costs as much again, so only B2 asks for it. */
  public MeasuredInputStream(InputStream in, boolean alsoSha1) {
    super(in);
    this.sha1 = alsoSha1 ? digest("SHA-1") : null;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      sha256.update((byte) b);
      if (sha1 != null) {
        sha1.update((byte) b);
      }
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      sha256.update(buffer, offset, n);
      if (sha1 != null) {
        sha1.update(buffer, offset, n);
      }
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) {
    throw new UnsupportedOperationException("skipping would leave bytes out of the checksum");
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  public long count() {
    return count;
  }

  /** Hex SHA-256 of what was read so far; call once, at the end. */
  public String sha256Hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }

  /** Hex SHA-1 of what was read so far; call once, at the end. */
  public String sha1Hex() {
    if (sha1 == null) {
      throw new IllegalStateException("this stream was not asked to compute a SHA-1");
    }
    return HexFormat.of().formatHex(sha1.digest());
  }

  /** Fails unless exactly {@code expected} bytes were read: a short or long stream is a caller's bug. */
  public void requireCount(long expected) {
    if (count != expected) {
      throw new IllegalArgumentException("declared size " + expected + " but the stream had " + count + " bytes");
    }
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from this JVM", e);
    }
  }
}
