package app.photobomb.ops.storage;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.common.storage.MeasuredInputStream;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A 1 GiB object streams through put and get. The module's "huge" test run gives this JVM -Xmx128m, so an
 * adapter that held the object in memory would fail with OutOfMemoryError.
 */
@Tag("huge")
public abstract class HugeObjectContract {

  private static final long ONE_GIB = 1L << 30;

  protected abstract ObjectStore store();

  protected abstract String bucket();

  @Test
  void oneGibibyteStreamsThroughPutAndGet() throws IOException {
    assertThat(Runtime.getRuntime().maxMemory()).as("run with -Xmx128m").isLessThan(256L << 20);
    String key = "huge/" + UUID.randomUUID() + ".bin";
    MeasuredInputStream source = new MeasuredInputStream(new GeneratedContent(ONE_GIB, 42));

    StoredObject stored = store().put(bucket(), key, source, ONE_GIB, "application/octet-stream");

    assertThat(stored.size()).isEqualTo(ONE_GIB);
    assertThat(stored.sha256()).isEqualTo(source.sha256Hex());
    MeasuredInputStream readBack;
    try (InputStream in = store().get(bucket(), key)) {
      readBack = new MeasuredInputStream(in);
      readBack.transferTo(OutputStream.nullOutputStream());
    }
    assertThat(readBack.count()).isEqualTo(ONE_GIB);
    assertThat(readBack.sha256Hex()).isEqualTo(stored.sha256());
    store().deleteVersion(bucket(), key, stored.versionId());
  }
}
