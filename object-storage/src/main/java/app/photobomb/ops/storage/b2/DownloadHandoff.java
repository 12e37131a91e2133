package app.photobomb.ops.storage.b2;

import com.backblaze.b2.client.contentHandlers.B2ContentSink;
import com.backblaze.b2.client.contentSources.B2Headers;
import com.backblaze.b2.client.exceptions.B2Exception;
import com.backblaze.b2.client.exceptions.B2LocalException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the SDK's push-style download into a stream the caller pulls. The SDK hands its sink the response body
 * and closes the response when the sink returns, so the sink passes the body to the caller's thread and waits,
 * on the download thread, until the caller closes it. Nothing is buffered beyond the HTTP client's own buffer.
 */
final class DownloadHandoff implements B2ContentSink {

  private static final Logger log = LoggerFactory.getLogger(DownloadHandoff.class);

  /** The SDK call that feeds this sink. */
  @FunctionalInterface
  interface Download {
    void run() throws B2Exception;
  }

  private final CompletableFuture<InputStream> body = new CompletableFuture<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile boolean handedOff;

  /** Runs the download on the current (download) thread; its failure before the hand-off goes to the caller. */
  void run(Download download) {
    try {
      download.run();
      body.completeExceptionally(new B2LocalException("no_content", "the download ended without a body"));
    } catch (B2Exception | RuntimeException e) {
      if (!body.completeExceptionally(e)) {
        log.debug("B2 download ended after its body was handed over: {}", e.toString());
      }
    }
  }

  @Override
  public void readContent(B2Headers headers, InputStream in) throws B2Exception {
    if (handedOff) {
      // The SDK retries a download that broke; a reader halfway through a body cannot resume another one.
      throw new B2LocalException("handed_off", "the body was already handed to its reader; not retrying");
    }
    handedOff = true;
    if (!body.complete(new Releasing(in))) {
      return;
    }
    try {
      released.await();
    } catch (InterruptedException e) {
      // The store is closing: let the SDK close the response.
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for the body, or for the failure that came instead. */
  InputStream awaitBody() throws B2Exception {
    try {
      return body.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof B2Exception b2) {
        throw b2;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // Nobody will read a body that arrives now: let the download thread drop it.
      body.completeExceptionally(new CancellationException("the reader was interrupted"));
      released.countDown();
      throw new B2LocalException("interrupted", "interrupted while waiting for the download to start");
    }
  }

  /** The body as the caller sees it: closing it lets the download thread finish. */
  private final class Releasing extends FilterInputStream {

    private volatile boolean closed;

    Releasing(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      ensureOpen();
      return super.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      ensureOpen();
      return super.read(buffer, offset, length);
    }

    @Override
    public long skip(long n) throws IOException {
      ensureOpen();
      return super.skip(n);
    }

    @Override
    public int available() throws IOException {
      ensureOpen();
      return super.available();
    }

    /**
     * Does not close the HTTP body itself: closing it would read the rest of a possibly huge body to reuse the
     * connection; the SDK closes the response instead, which drops the connection when unread bytes remain.
     */
    @Override
    public void close() {
      closed = true;
      released.countDown();
    }

    private void ensureOpen() throws IOException {
      if (closed) {
        throw new IOException("stream closed");
      }
    }
  }
}
