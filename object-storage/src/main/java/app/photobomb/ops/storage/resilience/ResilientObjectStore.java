package app.photobomb.ops.storage.resilience;

import app.photobomb.ops.common.storage.ObjectContent;
import app.photobomb.ops.common.storage.ObjectKeys;
import app.photobomb.ops.common.storage.ObjectNotFoundException;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.ObjectStoreException;
import app.photobomb.ops.common.storage.ObjectVersion;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.common.storage.VersionPage;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runbook's storage-outage handling in front of two stores: calls go through a circuit breaker per
 * store; writes go to the primary (B2) and, while it fails or its breaker is open, to the fallback (R2);
 * a write that no store takes is spooled to the durable retry queue, so the caller sees no error and
 * nothing is lost. Reads find an object wherever it was written: primary, fallback, or the queue.
 *
 * <p>Version ids say which store holds the version: {@code <provider>:<that store's id>}, e.g. {@code b2:4_z…}
 * or {@code r2:etag:…}; a bare id (written before ids were named) is the primary's, and {@link #PENDING} is
 * a write still in the queue. A delete goes to the store that holds the version, and only its answer counts:
 * the fallback's success never stands in for the primary's failure.
 */
public final class ResilientObjectStore implements ObjectStore, AutoCloseable {

  /** Provider named on a write that waits in the retry queue. */
  public static final String PENDING = "pending";

  private static final Logger log = LoggerFactory.getLogger(ResilientObjectStore.class);

  private final ObjectStore primary;
  private final ObjectStore fallback;
  private final CircuitBreaker primaryBreaker;
  private final CircuitBreaker fallbackBreaker;
  private final UploadRetryQueue retries;
  private final MeterRegistry meters;

  public ResilientObjectStore(ObjectStore primary, ObjectStore fallback, StoreBreakers breakers,
      UploadRetryQueue retries, MeterRegistry meters) {
    if (primary.provider().equals(fallback.provider())) {
      throw new IllegalArgumentException("primary and fallback are both " + primary.provider()
          + ": version ids could not say which store holds a version");
    }
    this.primary = primary;
    this.fallback = fallback;
    this.primaryBreaker = breakers.of(primary.provider());
    this.fallbackBreaker = breakers.of(fallback.provider());
    this.retries = retries;
    this.meters = meters;
    meters.gauge("photobomb.storage.retry.queued", retries, UploadRetryQueue::size);
  }

  @Override
  public String provider() {
    return primary.provider();
  }

  /**
   * Stores the content somewhere durable and never fails for a store outage; see the class comment. An older
   * queued write of the key is dropped first, waiting for it if it is being sent, so it never lands last.
   */
  public StoredObject put(String bucket, String key, ObjectContent content) {
    ObjectKeys.requireSafe(key);
    retries.cancel(bucket, key);
    try {
      return write(bucket, key, content);
    } catch (ObjectStoreException e) {
      String sha256 = retries.enqueue(bucket, key, content, e.getMessage());
      meters.counter("photobomb.storage.writes", "outcome", "queued").increment();
      log.warn("no object store took {}/{}; queued for retry ({} waiting): {}", bucket, key, retries.size(),
          e.getMessage());
      return new StoredObject(PENDING, bucket, key, null, content.size(), sha256);
    }
  }

  /**
   * Writes to the primary, else the fallback; throws {@link ObjectStoreException} when neither took it.
   * The retry worker uses this too.
   */
  StoredObject write(String bucket, String key, ObjectContent content) {
    try {
      StoredObject stored = call(primaryBreaker, () -> putOnce(primary, bucket, key, content));
      meters.counter("photobomb.storage.writes", "outcome", primary.provider()).increment();
      return named(primary, stored);
    } catch (ObjectStoreException primaryFailure) {
      try {
        StoredObject stored = call(fallbackBreaker, () -> putOnce(fallback, bucket, key, content));
        meters.counter("photobomb.storage.writes", "outcome", fallback.provider()).increment();
        log.warn("{} unavailable ({}); wrote {}/{} to {} instead", primary.provider(), primaryFailure.getMessage(),
            bucket, key, fallback.provider());
        return named(fallback, stored);
      } catch (ObjectStoreException fallbackFailure) {
        fallbackFailure.addSuppressed(primaryFailure);
        throw fallbackFailure;
      }
    }
  }

  /** A single-use stream can go to one store only: the primary, or the fallback while the primary is open. */
  @Override
  public StoredObject put(String bucket, String key, InputStream content, long size, String contentType) {
    ObjectStore target = primaryBreaker.getState() == CircuitBreaker.State.OPEN ? fallback : primary;
    CircuitBreaker breaker = target == primary ? primaryBreaker : fallbackBreaker;
    return named(target, call(breaker, () -> target.put(bucket, key, content, size, contentType)));
  }

  @Override
  public InputStream get(String bucket, String key) {
    ObjectKeys.requireSafe(key);
    ObjectStoreException failure = null;
    for (ObjectStore store : List.of(primary, fallback)) {
      try {
        return call(breakerOf(store), () -> store.get(bucket, key));
      } catch (ObjectNotFoundException e) {
        log.debug("{}/{} not on {}", bucket, key, store.provider());
      } catch (ObjectStoreException e) {
        failure = e;
      }
    }
    Optional<UploadRetryQueue.PendingUpload> pending = retries.find(bucket, key);
    if (pending.isPresent()) {
      try {
        return Files.newInputStream(pending.get().spool());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    throw new ObjectNotFoundException(provider(), bucket, key);
  }

  @Override
  public Optional<ObjectVersion> stat(String bucket, String key) {
    ObjectKeys.requireSafe(key);
    ObjectStoreException failure = null;
    for (ObjectStore store : List.of(primary, fallback)) {
      try {
        Optional<ObjectVersion> version = call(breakerOf(store), () -> store.stat(bucket, key));
        if (version.isPresent()) {
          return version.map(found -> named(store, found));
        }
      } catch (ObjectStoreException e) {
        failure = e;
      }
    }
    Optional<ObjectVersion> pending = retries.find(bucket, key)
        .map(p -> new ObjectVersion(key, PENDING, p.size(), null));
    if (pending.isEmpty() && failure != null) {
      // "absent" would be a lie while a store that may hold it cannot be asked
      throw failure;
    }
    return pending;
  }

  /**
   * Versions on the primary, then on the fallback, so that nothing written during an outage is missed. The
   * page token says which store it continues ({@code p:} or {@code f:}).
   */
  @Override
  public VersionPage listVersions(String bucket, String prefix, String pageToken, int pageSize) {
    boolean onFallback = pageToken != null && pageToken.startsWith("f:");
    String token = pageToken == null ? null : pageToken.substring(2);
    if (!onFallback) {
      VersionPage page = call(primaryBreaker, () -> primary.listVersions(bucket, prefix, token, pageSize));
      return new VersionPage(named(primary, page.versions()), page.hasMore() ? "p:" + page.nextPageToken() : "f:");
    }
    VersionPage page = call(fallbackBreaker,
        () -> fallback.listVersions(bucket, prefix, token == null || token.isEmpty() ? null : token, pageSize));
    return new VersionPage(named(fallback, page.versions()), page.hasMore() ? "f:" + page.nextPageToken() : null);
  }

  /**
   * Deletes the version on the store its id names, through that store's breaker; that store's failure (or
   * open breaker) is this call's failure. {@link #PENDING} drops the key's queued write instead.
   */
  @Override
  public boolean deleteVersion(String bucket, String key, String versionId) {
    ObjectKeys.requireSafe(key);
    if (versionId == null || versionId.isBlank()) {
      throw new IllegalArgumentException("versionId is empty");
    }
    if (PENDING.equals(versionId)) {
      return retries.cancel(bucket, key) > 0;
    }
    ObjectStore holder = holderOf(versionId);
    String prefix = prefixOf(holder);
    String storeVersionId = versionId.startsWith(prefix) ? versionId.substring(prefix.length()) : versionId;
    return call(breakerOf(holder), () -> holder.deleteVersion(bucket, key, storeVersionId));
  }

  /** A link from the first store that has the object. */
  @Override
  public URI downloadLink(String bucket, String key, Duration validFor) {
    ObjectStoreException failure = null;
    for (ObjectStore store : List.of(primary, fallback)) {
      try {
        if (call(breakerOf(store), () -> store.stat(bucket, key)).isPresent()) {
          return store.downloadLink(bucket, key, validFor);
        }
      } catch (ObjectStoreException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw failure;
    }
    throw new ObjectNotFoundException(provider(), bucket, key);
  }

  /** Closes the stores that hold connections. */
  @Override
  public void close() throws Exception {
    for (ObjectStore store : List.of(primary, fallback)) {
      if (store instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }

  /** The store a version id names; a bare id is the primary's, as ids were before they named their store. */
  private ObjectStore holderOf(String versionId) {
    return versionId.startsWith(prefixOf(fallback)) ? fallback : primary;
  }

  private static String prefixOf(ObjectStore store) {
    return store.provider() + ":";
  }

  private static StoredObject named(ObjectStore store, StoredObject stored) {
    return new StoredObject(stored.provider(), stored.bucket(), stored.key(), named(store, stored.versionId()),
        stored.size(), stored.sha256());
  }

  private static ObjectVersion named(ObjectStore store, ObjectVersion version) {
    return new ObjectVersion(version.key(), named(store, version.versionId()), version.size(),
        version.uploadedAt());
  }

  private static List<ObjectVersion> named(ObjectStore store, List<ObjectVersion> versions) {
    return versions.stream().map(version -> named(store, version)).toList();
  }

  private static String named(ObjectStore store, String versionId) {
    return versionId == null ? null : prefixOf(store) + versionId;
  }

  private CircuitBreaker breakerOf(ObjectStore store) {
    return store == primary ? primaryBreaker : fallbackBreaker;
  }

  private static StoredObject putOnce(ObjectStore store, String bucket, String key, ObjectContent content) {
    try (InputStream in = content.open()) {
      return store.put(bucket, key, in, content.size(), content.contentType());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the content of " + bucket + "/" + key, e);
    }
  }

  /** Runs a store call through its breaker; an open breaker and unexpected errors become ObjectStoreException. */
  private static <T> T call(CircuitBreaker breaker, Supplier<T> storeCall) {
    try {
      return breaker.executeSupplier(storeCall);
    } catch (CallNotPermittedException e) {
      throw new ObjectStoreException("circuit breaker " + breaker.getName() + " is open", e);
    } catch (ObjectNotFoundException | IllegalArgumentException | ObjectStoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ObjectStoreException(breaker.getName() + " call failed: " + e.getMessage(), e);
    }
  }
}
