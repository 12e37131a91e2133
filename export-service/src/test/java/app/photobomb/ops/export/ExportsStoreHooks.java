package app.photobomb.ops.export;

import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.ObjectUpload;
import app.photobomb.ops.common.storage.ObjectVersion;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.common.storage.VersionPage;
import app.photobomb.ops.storage.config.ObjectStorageAutoConfiguration;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Lets a test act at two moments of the service's use of its exports store: when the link of a stored archive is
 * made (the archive is committed, its export not yet recorded), and when an archive is deleted. Not a component
 * (a second instance's component scan must not find it): a test context brings it in with {@code @Import}.
 */
final class ExportsStoreHooks implements BeanPostProcessor {

  private final AtomicReference<Consumer<String>> beforeLink = new AtomicReference<>(key -> { });
  private final AtomicReference<Consumer<String>> beforeDelete = new AtomicReference<>(key -> { });

  /** Runs {@code hook} with the archive's key before its link is made, on the worker's thread. */
  void beforeLink(Consumer<String> hook) {
    beforeLink.set(hook);
  }

  /** Runs {@code hook} with the key before every version of it is deleted, on the deleting thread. */
  void beforeDelete(Consumer<String> hook) {
    beforeDelete.set(hook);
  }

  void clear() {
    beforeLink.set(key -> { });
    beforeDelete.set(key -> { });
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    return ObjectStorageAutoConfiguration.EXPORTS.equals(beanName) && bean instanceof ObjectStore store
        ? new Hooked(store) : bean;
  }

  private final class Hooked implements ObjectStore {

    private final ObjectStore store;

    Hooked(ObjectStore store) {
      this.store = store;
    }

    @Override
    public String provider() {
      return store.provider();
    }

    @Override
    public StoredObject put(String bucket, String key, InputStream content, long size, String contentType) {
      return store.put(bucket, key, content, size, contentType);
    }

    @Override
    public ObjectUpload upload(String bucket, String key, String contentType) {
      return store.upload(bucket, key, contentType);
    }

    @Override
    public InputStream get(String bucket, String key) {
      return store.get(bucket, key);
    }

    @Override
    public Optional<ObjectVersion> stat(String bucket, String key) {
      return store.stat(bucket, key);
    }

    @Override
    public VersionPage listVersions(String bucket, String prefix, String pageToken, int pageSize) {
      return store.listVersions(bucket, prefix, pageToken, pageSize);
    }

    @Override
    public boolean deleteVersion(String bucket, String key, String versionId) {
      return store.deleteVersion(bucket, key, versionId);
    }

    @Override
    public int deleteEveryVersion(String bucket, String key) {
      beforeDelete.get().accept(key);
      return store.deleteEveryVersion(bucket, key);
    }

    @Override
    public URI downloadLink(String bucket, String key, Duration validFor) {
      beforeLink.get().accept(key);
      return store.downloadLink(bucket, key, validFor);
    }
  }
}
