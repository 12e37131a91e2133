package app.photobomb.ops.storage.s3;

import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.storage.HugeObjectContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/** 1 GiB through the S3 adapter's multipart upload and s3proxy's filesystem backend, both in a 128 MiB heap. */
class S3HugeObjectTest extends HugeObjectContract {

  private static final String BUCKET = "photobomb-huge";

  @TempDir
  static Path root;
  private static S3ProxyServer server;
  private static S3ObjectStore store;

  @BeforeAll
  static void start() throws Exception {
    server = S3ProxyServer.filesystem(root);
    S3Properties properties = server.properties(DataSize.ofMegabytes(64), DataSize.ofMegabytes(16));
    try (var client = S3Clients.client(properties)) {
      client.createBucket(request -> request.bucket(BUCKET));
    }
    store = S3ObjectStore.create(properties);
  }

  @AfterAll
  static void stop() throws Exception {
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
