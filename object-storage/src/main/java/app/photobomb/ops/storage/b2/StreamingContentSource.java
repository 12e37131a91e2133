package app.photobomb.ops.storage.b2;

import app.photobomb.ops.common.storage.MeasuredInputStream;
import com.backblaze.b2.client.contentSources.B2ContentSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * One put's content as the SDK wants it: exactly {@code size} bytes of the caller's stream, streamed once. With
 * no SHA-1 upfront the SDK sends {@code X-Bz-Content-Sha1: hex_digits_at_end} and appends the SHA-1 it computes
 * while streaming, so nothing is read twice or held in memory.
 */
final class StreamingContentSource implements B2ContentSource {

  private final MeasuredInputStream content;
  private final long size;
  private volatile IllegalArgumentException sizeMismatch;

  StreamingContentSource(MeasuredInputStream content, long size) {
    this.content = content;
    this.size = size;
  }

  @Override
  public long getContentLength() {
    return size;
  }

  @Override
  public String getSha1OrNull() {
    return null;
  }

  @Override
  public Long getSrcLastModifiedMillisOrNull() {
    return null;
  }

  /**
   * The SDK calls this again when it retries an upload. That works while none of the caller's bytes were taken
   * (say the upload URL could not be had); after that the stream cannot be replayed, and the put fails for the
   * caller to retry with content it can reopen.
   */
  @Override
  public InputStream createInputStream() throws IOException {
    if (content.count() > 0) {
      throw new IOException("the content stream was partly sent already and cannot be replayed");
    }
    return new Bounded();
  }

  /** Why the stream was refused, when it was shorter than its declared size; else null. */
  IllegalArgumentException sizeMismatch() {
    return sizeMismatch;
  }

  /**
   * Reads at most {@code size} bytes and leaves the caller's stream open. Failures of the caller's stream are
   * thrown unchecked: the SDK retries IOExceptions as network errors, but retrying cannot mend the source.
   */
  private final class Bounded extends InputStream {

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      long remaining = size - content.count();
      if (remaining <= 0) {
        return -1;
      }
      if (length == 0) {
        return 0;
      }
      int n;
      try {
        n = content.read(buffer, offset, (int) Math.min(length, remaining));
      } catch (IOException e) {
        throw new UncheckedIOException("reading the content to upload failed", e);
      }
      if (n < 0) {
        sizeMismatch = new IllegalArgumentException(
            "declared size " + size + " but the stream had " + content.count() + " bytes");
        throw sizeMismatch;
      }
      return n;
    }

    @Override
    public void close() {
      // The caller owns its stream; the SDK closing its copy must not close it.
    }
  }
}
