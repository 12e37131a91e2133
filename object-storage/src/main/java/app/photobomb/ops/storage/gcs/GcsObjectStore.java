package app.photobomb.ops.storage.gcs;

import app.photobomb.ops.common.storage.MeasuredInputStream;
import app.photobomb.ops.common.storage.ObjectKeys;
import app.photobomb.ops.common.storage.ObjectNotFoundException;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.ObjectUpload;
import app.photobomb.ops.common.storage.ObjectStoreException;
import app.photobomb.ops.common.storage.ObjectVersion;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.common.storage.VersionPage;
import com.google.api.gax.paging.Page;
import com.google.auth.ServiceAccountSigner;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BlobWriteSession;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.BlobTargetOption;
import com.google.cloud.storage.Storage.SignUrlOption;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ObjectStore} on Google Cloud Storage through google-cloud-storage. A put streams once as a resumable
 * upload, then patches its SHA-256 into the object's metadata; versions are generations; links are V4 signed
 * URLs.
 */
public final class GcsObjectStore implements ObjectStore, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GcsObjectStore.class);

  private static final String PROVIDER = "gcs";
  /** Custom metadata ({@code x-goog-meta-sha256}) holding the hex SHA-256 of the object. */
  static final String SHA256_METADATA = "sha256";
  private static final int COPY_BUFFER = 64 * 1024;
  private static final int MAX_LIST_RESULTS = 1_000;
  /** GCS refuses V4 signed URLs valid for longer. */
  private static final Duration MAX_LINK = Duration.ofDays(7);
  private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]");
  private static final Comparator<ObjectVersion> KEY_THEN_NEWEST = Comparator.comparing(ObjectVersion::key)
      .thenComparing(version -> Long.parseLong(version.versionId()), Comparator.reverseOrder());

  private final Storage storage;
  private final ServiceAccountSigner signer;

  /** A store on the given client, which signs links with its own credentials; it closes the client. */
  public GcsObjectStore(Storage storage) {
    this(storage, null);
  }

  /** A store on the given client that signs links with {@code signer} when not null; it closes the client. */
  public GcsObjectStore(Storage storage, ServiceAccountSigner signer) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.signer = signer;
  }

  /** A store with its own client, on the service-account key file if one is set, else default credentials. */
  public static GcsObjectStore create(GcsProperties properties) {
    GoogleCredentials credentials;
    try {
      if (properties.credentialsFile() == null) {
        credentials = GoogleCredentials.getApplicationDefault();
      } else {
        try (InputStream in = Files.newInputStream(properties.credentialsFile())) {
          credentials = ServiceAccountCredentials.fromStream(in);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("no GCS credentials from " + (properties.credentialsFile() == null
          ? "the application default" : properties.credentialsFile()), e);
    }
    StorageOptions.Builder options = StorageOptions.newBuilder().setCredentials(credentials);
    if (properties.projectId() != null && !properties.projectId().isBlank()) {
      options.setProjectId(properties.projectId());
    }
    return new GcsObjectStore(options.build().getService(),
        credentials instanceof ServiceAccountSigner accountSigner ? accountSigner : null);
  }

  @Override
  public String provider() {
    return PROVIDER;
  }

  @Override
  public StoredObject put(String bucket, String key, InputStream content, long size, String contentType) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    Objects.requireNonNull(content, "content");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    MeasuredInputStream measured = new MeasuredInputStream(content);
    BlobInfo uploaded = upload(bucket, key, measured, size, contentType);
    String sha256 = measured.sha256Hex();
    Blob stored = withSha256(uploaded, sha256);
    log.debug("{} stored {}/{} as generation {} ({} bytes)", PROVIDER, bucket, key, stored.getGeneration(), size);
    return new StoredObject(PROVIDER, bucket, key, String.valueOf(stored.getGeneration()), size, sha256);
  }

  @Override
  public InputStream get(String bucket, String key) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    try {
      // The reader is lazy and would only fail at the first read; get tells a missing key up front.
      Blob blob = storage.get(BlobId.of(bucket, key));
      if (blob == null) {
        throw new ObjectNotFoundException(PROVIDER, bucket, key);
      }
      return Channels.newInputStream(storage.reader(blob.getBlobId()));
    } catch (StorageException e) {
      throw failure("get", bucket, key, e);
    }
  }

  @Override
  public Optional<ObjectVersion> stat(String bucket, String key) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    try {
      return Optional.ofNullable(storage.get(BlobId.of(bucket, key))).map(GcsObjectStore::toVersion);
    } catch (StorageException e) {
      throw failure("stat", bucket, key, e);
    }
  }

  /**
   * GCS lists a key's generations oldest first; each page is reordered newest first, so only a key whose
   * generations straddle two pages comes out of order.
   */
  @Override
  public VersionPage listVersions(String bucket, String prefix, String pageToken, int pageSize) {
    requireBucket(bucket);
    String safePrefix = ObjectKeys.requireSafePrefix(prefix);
    if (pageSize < 1) {
      throw new IllegalArgumentException("a page holds at least one version: " + pageSize);
    }
    List<BlobListOption> options = new ArrayList<>(List.of(BlobListOption.versions(true),
        BlobListOption.pageSize(Math.min(pageSize, MAX_LIST_RESULTS))));
    if (!safePrefix.isEmpty()) {
      options.add(BlobListOption.prefix(safePrefix));
    }
    if (pageToken != null) {
      options.add(BlobListOption.pageToken(pageToken));
    }
    try {
      Page<Blob> page = storage.list(bucket, options.toArray(BlobListOption[]::new));
      List<ObjectVersion> versions = StreamSupport.stream(page.getValues().spliterator(), false)
          .map(GcsObjectStore::toVersion)
          .sorted(KEY_THEN_NEWEST)
          .toList();
      return new VersionPage(versions, page.hasNextPage() ? page.getNextPageToken() : null);
    } catch (StorageException e) {
      throw failure("listVersions", bucket, safePrefix, e);
    }
  }

  @Override
  public boolean deleteVersion(String bucket, String key, String versionId) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    long generation = generation(versionId);
    try {
      boolean deleted = storage.delete(BlobId.of(bucket, key, generation));
      if (!deleted) {
        log.debug("{} generation {} of {}/{} was gone already", PROVIDER, generation, bucket, key);
      }
      return deleted;
    } catch (StorageException e) {
      throw failure("deleteVersion", bucket, key, e);
    }
  }

  @Override
  public URI downloadLink(String bucket, String key, Duration validFor) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    if (validFor == null || validFor.toSeconds() < 1 || validFor.compareTo(MAX_LINK) > 0) {
      throw new IllegalArgumentException("GCS signed URLs last 1 s to 7 days: " + validFor);
    }
    List<SignUrlOption> options = new ArrayList<>(List.of(SignUrlOption.withV4Signature()));
    if (signer != null) {
      options.add(SignUrlOption.signWith(signer));
    }
    try {
      return storage.signUrl(BlobInfo.newBuilder(bucket, key).build(), validFor.toSeconds(), TimeUnit.SECONDS,
          options.toArray(SignUrlOption[]::new)).toURI();
    } catch (URISyntaxException e) {
      throw new ObjectStoreException(PROVIDER + ": downloadLink " + bucket + "/" + key + " made no URI", e);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(PROVIDER + ": signing a link needs service-account credentials or a "
          + "signer", e);
    }
  }

  /** Closes the client. */
  @Override
  public void close() {
    try {
      storage.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("{} client did not close cleanly: {}", PROVIDER, e.getMessage());
    }
  }

  /**
   * Streams exactly {@code size} bytes into a resumable upload and finishes it. BlobWriteSession (still
   * {@code @BetaApi}), not {@code writer()}: its default is the same resumable upload, and it answers the
   * generation it wrote, where {@code writer()}'s channel tells nothing and a later get could see another
   * writer's generation. A stream of the wrong size or a failed read leaves the upload unfinished, which
   * stores nothing: closing the channel would store the bytes sent so far.
   */
  private BlobInfo upload(String bucket, String key, MeasuredInputStream measured, long size, String contentType) {
    BlobWriteSession session = storage.blobWriteSession(BlobInfo.newBuilder(bucket, key)
        .setContentType(contentType).build());
    try {
      WritableByteChannel channel = session.open();
      copy(measured, channel, size);
      channel.close();
      return session.getResult().get();
    } catch (IOException e) {
      throw new ObjectStoreException(PROVIDER + ": put " + bucket + "/" + key + " failed: " + e.getMessage(), e);
    } catch (StorageException e) {
      throw failure("put", bucket, key, e);
    } catch (ExecutionException e) {
      throw new ObjectStoreException(PROVIDER + ": put " + bucket + "/" + key + " failed: "
          + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ObjectStoreException(PROVIDER + ": put " + bucket + "/" + key + " interrupted", e);
    }
  }

  private static void copy(MeasuredInputStream in, WritableByteChannel out, long size) throws IOException {
    byte[] buffer = new byte[COPY_BUFFER];
    long remaining = size;
    while (remaining > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
      if (read < 0) {
        break;
      }
      ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, read);
      while (chunk.hasRemaining()) {
        out.write(chunk);
      }
      remaining -= read;
    }
    in.requireCount(size);
    if (in.read() >= 0) {
      throw new IllegalArgumentException("declared size " + size + " but the stream had more bytes");
    }
  }

  /**
   * A resumable upload fed as it is written; on commit the channel is closed (GCS finalizes the object) and
   * the SHA-256 is patched onto that generation. Abandoned, the upload is never finalized: no object exists,
   * and GCS forgets the session after a week.
   */
  @Override
  public ObjectUpload upload(String bucket, String key, String contentType) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    BlobWriteSession session = storage.blobWriteSession(BlobInfo.newBuilder(bucket, key)
        .setContentType(contentType).build());
    WritableByteChannel channel;
    try {
      channel = session.open();
    } catch (IOException e) {
      throw new ObjectStoreException(PROVIDER + ": upload " + bucket + "/" + key + " failed: " + e.getMessage(), e);
    } catch (StorageException e) {
      throw failure("upload", bucket, key, e);
    }
    return new ObjectUpload() {
      @Override
      protected void send(byte[] buffer, int offset, int length) throws IOException {
        ByteBuffer chunk = ByteBuffer.wrap(buffer, offset, length);
        while (chunk.hasRemaining()) {
          channel.write(chunk);
        }
      }

      @Override
      protected StoredObject complete(long size, String sha256Hex) throws IOException {
        channel.close();
        BlobInfo uploaded;
        try {
          uploaded = session.getResult().get();
        } catch (ExecutionException e) {
          throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while GCS finalized " + bucket + "/" + key, e);
        }
        Blob stored = withSha256(uploaded, sha256Hex);
        return new StoredObject(PROVIDER, bucket, key, String.valueOf(stored.getGeneration()), size, sha256Hex);
      }

      @Override
      protected void abandon() {
        log.debug("{} upload of {}/{} abandoned before it was finalized; nothing was stored", PROVIDER, bucket, key);
      }
    };
  }

  /**
   * GCS takes metadata before the bytes and the hash is known only after them; a patch of the generation just
   * written changes its metadata alone, with no new generation and no copy. A failed patch removes it again.
   */
  private Blob withSha256(BlobInfo uploaded, String sha256) {
    try {
      return storage.update(BlobInfo.newBuilder(uploaded.getBlobId()).setMetadata(Map.of(SHA256_METADATA, sha256))
          .build(), BlobTargetOption.generationMatch(uploaded.getGeneration()));
    } catch (StorageException e) {
      discard(uploaded.getBlobId(), e);
      throw failure("put", uploaded.getBucket(), uploaded.getName(), e);
    }
  }

  /** A put that failed after GCS took the object removes that generation again. */
  private void discard(BlobId written, RuntimeException cause) {
    try {
      storage.delete(written);
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
      log.warn("{} could not remove generation {} of {}/{} after a failed put: {}", PROVIDER,
          written.getGeneration(), written.getBucket(), written.getName(), e.getMessage());
    }
  }

  private static ObjectVersion toVersion(Blob blob) {
    return new ObjectVersion(blob.getName(), String.valueOf(blob.getGeneration()),
        blob.getSize() == null ? 0 : blob.getSize(), uploadedAt(blob));
  }

  /** When this generation was written: its creation time; the update time stands in where that is missing. */
  private static Instant uploadedAt(Blob blob) {
    OffsetDateTime time = blob.getCreateTimeOffsetDateTime() != null ? blob.getCreateTimeOffsetDateTime()
        : blob.getUpdateTimeOffsetDateTime();
    return time == null ? Instant.EPOCH : time.toInstant();
  }

  private static long generation(String versionId) {
    try {
      long generation = Long.parseLong(versionId);
      if (generation > 0) {
        return generation;
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a GCS generation: " + versionId, e);
    }
    throw new IllegalArgumentException("not a GCS generation: " + versionId);
  }

  private static ObjectStoreException failure(String call, String bucket, String key, StorageException e) {
    String detail = e.getMessage() != null ? e.getMessage() : String.valueOf(e.getCause());
    return new ObjectStoreException(PROVIDER + ": " + call + " " + bucket + "/" + key + " failed: " + e.getCode()
        + (e.getReason() == null ? "" : " " + e.getReason()) + " " + detail, e);
  }

  private static void requireBucket(String bucket) {
    if (bucket == null || !BUCKET_NAME.matcher(bucket).matches()) {
      throw new IllegalArgumentException("not a GCS bucket name (3 to 222 lower-case letters, digits, '.', '_' or "
          + "'-'): " + bucket);
    }
  }
}
