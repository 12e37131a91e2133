package app.photobomb.ops.storage.resilience;

import app.photobomb.ops.common.storage.ObjectStoreException;
import app.photobomb.ops.common.storage.StoredObject;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends queued uploads to the stores until one takes each; runs on a schedule. */
public final class UploadRetryWorker {

  private static final Logger log = LoggerFactory.getLogger(UploadRetryWorker.class);

  private final ResilientObjectStore store;
  private final UploadRetryQueue queue;
  private final MeterRegistry meters;

  public UploadRetryWorker(ResilientObjectStore store, UploadRetryQueue queue, MeterRegistry meters) {
    this.store = store;
    this.queue = queue;
    this.meters = meters;
  }

  /** One pass over the uploads due now; returns how many a store took. */
  public int drain(int limit) {
    int sent = 0;
    for (UploadRetryQueue.PendingUpload upload : queue.due(limit)) {
      try {
        StoredObject stored = store.write(upload.bucket(), upload.key(), upload.content());
        if (!stored.sha256().equals(upload.sha256())) {
          throw new ObjectStoreException("checksum changed in transit for " + upload.key(), null);
        }
        queue.done(upload);
        sent++;
        meters.counter("photobomb.storage.retry.sent", "provider", stored.provider()).increment();
        log.info("queued upload {}/{} now on {} after {} attempts", upload.bucket(), upload.key(), stored.provider(),
            upload.attempts() + 1);
      } catch (IOException | RuntimeException e) {
        queue.failed(upload, e.getMessage());
        meters.counter("photobomb.storage.retry.failed").increment();
        log.warn("queued upload {}/{} failed again (attempt {}): {}", upload.bucket(), upload.key(),
            upload.attempts() + 1, e.getMessage());
      }
    }
    return sent;
  }
}
