package app.photobomb.ops.storage.resilience;

import app.photobomb.ops.common.storage.ObjectStoreException;
import app.photobomb.ops.common.storage.StoredObject;
import io.micrometer.core.instrument.MeterRegistry;
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

  /** Removes the spool files of cancelled uploads, then sends those due now; returns how many a store took. */
  public int drain(int limit) {
    queue.removeOrphanSpoolFiles();
    int sent = 0;
    for (UploadRetryQueue.PendingUpload upload : queue.due(limit)) {
      UploadRetryQueue.Attempt attempt = queue.attempt(upload, pending -> {
        StoredObject stored = store.write(pending.bucket(), pending.key(), pending.content());
        if (!stored.sha256().equals(pending.sha256())) {
          throw new ObjectStoreException("checksum changed in transit for " + pending.key(), null);
        }
        return stored;
      });
      switch (attempt.outcome()) {
        case SENT -> {
          sent++;
          meters.counter("photobomb.storage.retry.sent", "provider", attempt.stored().provider()).increment();
          log.info("queued upload {}/{} now on {} after {} attempts", upload.bucket(), upload.key(),
              attempt.stored().provider(), upload.attempts() + 1);
        }
        case FAILED -> {
          meters.counter("photobomb.storage.retry.failed").increment();
          log.warn("queued upload {}/{} failed again (attempt {}): {}", upload.bucket(), upload.key(),
              upload.attempts() + 1, attempt.failure().getMessage());
        }
        case CANCELLED -> {
          meters.counter("photobomb.storage.retry.cancelled").increment();
          log.info("queued upload {}/{} was cancelled or replaced; not sent", upload.bucket(), upload.key());
        }
        case BUSY -> log.debug("queued upload {}/{} is held by another transaction; left for a later pass",
            upload.bucket(), upload.key());
      }
    }
    return sent;
  }
}
