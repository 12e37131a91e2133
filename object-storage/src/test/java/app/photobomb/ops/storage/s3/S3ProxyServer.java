package app.photobomb.ops.storage.s3;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.springframework.util.unit.DataSize;

/** s3proxy in this JVM on a free loopback port, checking SigV2/SigV4 signatures against fixed keys. */
public final class S3ProxyServer implements AutoCloseable {

  private static final String IDENTITY = "identity";
  private static final String CREDENTIAL = "credential";

  private final S3Proxy proxy;

  private S3ProxyServer(BlobStore backend) throws Exception {
    // Port 0: Jetty binds a free port, which getPort() then tells.
    proxy = S3Proxy.builder()
        .blobStore(backend)
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, IDENTITY, CREDENTIAL)
        .build();
    proxy.start();
  }

  /** Objects as files under {@code root}, without versions, as in R2. */
  public static S3ProxyServer filesystem(Path root) throws Exception {
    Properties backend = new Properties();
    backend.setProperty("jclouds.filesystem.basedir", root.toString());
    return new S3ProxyServer(BlobStores.create("filesystem", backend));
  }

  /**
   * Objects in memory, with versioning: s3proxy's in-memory backend keeps versions but does not announce it,
   * so its handler would refuse every versioning call without this wrapper.
   */
  static S3ProxyServer versioned() throws Exception {
    return new S3ProxyServer(new ForwardingBlobStore(BlobStores.create("transient", new Properties())) {
      @Override
      public boolean supportsVersioning() {
        return true;
      }
    });
  }

  public S3Properties properties(DataSize multipartThreshold, DataSize partSize) {
    return new S3Properties(URI.create("http://127.0.0.1:" + proxy.getPort()), "auto", IDENTITY, CREDENTIAL,
        multipartThreshold, partSize);
  }

  /** Creates a bucket through the same client settings the adapter uses. */
  public void createBucket(String bucket) {
    try (var client = S3Clients.client(properties(DataSize.ofMegabytes(16), DataSize.ofMegabytes(5)))) {
      client.createBucket(request -> request.bucket(bucket));
    }
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
