package app.photobomb.ops.storage;

import java.io.InputStream;
import java.util.SplittableRandom;

/** A stream of any length of pseudo-random bytes, generated as it is read: big objects without big memory. */
public final class GeneratedContent extends InputStream {

  private final SplittableRandom random;
  private long remaining;

  public GeneratedContent(long size, long seed) {
    this.random = new SplittableRandom(seed);
    this.remaining = size;
  }

  @Override
  public int read() {
    if (remaining <= 0) {
      return -1;
    }
    remaining--;
    return random.nextInt(256);
  }

  @Override
  public int read(byte[] buffer, int offset, int length) {
    if (remaining <= 0) {
      return -1;
    }
    int n = (int) Math.min(length, remaining);
    for (int i = 0; i < n; i += 8) {
      long bits = random.nextLong();
      for (int j = 0; j < 8 && i + j < n; j++) {
        buffer[offset + i + j] = (byte) (bits >>> (8 * j));
      }
    }
    remaining -= n;
    return n;
  }
}
