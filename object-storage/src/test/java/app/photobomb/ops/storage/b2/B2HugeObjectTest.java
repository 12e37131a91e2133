package app.photobomb.ops.storage.b2;

import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.storage.HugeObjectContract;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** 1 GiB through the B2 adapter and the fake B2, both in the same 128 MiB heap. */
class B2HugeObjectTest extends HugeObjectContract {

  private static final String BUCKET = "photobomb-huge";

  @TempDir
  static Path root;
  private static FakeB2Server server;
  private static B2ObjectStore store;

  @BeforeAll
  static void start() throws IOException {
    server = new FakeB2Server(root).start();
    server.createBucket(BUCKET);
    store = B2ObjectStore.create(server.clientProperties(3));
  }

  @AfterAll
  static void stop() {
    store.close();
    server.close();
  }

  @Override
  protected ObjectStore store() {
    return store;
  }

  @Override
  protected String bucket() {
    return BUCKET;
  }
}
