package app.photobomb.ops.storage.local;

import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.storage.HugeObjectContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** 1 GiB through the filesystem adapter in a 128 MiB heap. */
class LocalFileHugeObjectTest extends HugeObjectContract {

  @TempDir
  Path root;

  @Override
  protected ObjectStore store() {
    LocalLinkSigner signer = new LocalLinkSigner("huge-test-secret-0123456789".getBytes(StandardCharsets.UTF_8),
        Clock.systemUTC());
    return new LocalFileObjectStore(root, signer, "http://127.0.0.1:1", Clock.systemUTC());
  }

  @Override
  protected String bucket() {
    return "photobomb-originals";
  }
}
