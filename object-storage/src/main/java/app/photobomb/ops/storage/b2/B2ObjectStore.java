package app.photobomb.ops.storage.b2;

import app.photobomb.ops.common.storage.MeasuredInputStream;
import app.photobomb.ops.common.storage.ObjectKeys;
import app.photobomb.ops.common.storage.ObjectNotFoundException;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.ObjectStoreException;
import app.photobomb.ops.common.storage.ObjectVersion;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.common.storage.VersionPage;
import com.backblaze.b2.client.B2ClientConfig;
import com.backblaze.b2.client.B2FileVersionPages;
import com.backblaze.b2.client.B2StorageClient;
import com.backblaze.b2.client.contentSources.B2ContentTypes;
import com.backblaze.b2.client.exceptions.B2Exception;
import com.backblaze.b2.client.exceptions.B2NotFoundException;
import com.backblaze.b2.client.exceptions.B2RuntimeException;
import com.backblaze.b2.client.structures.B2Bucket;
import com.backblaze.b2.client.structures.B2CancelLargeFileRequest;
import com.backblaze.b2.client.structures.B2DeleteFileVersionRequest;
import com.backblaze.b2.client.structures.B2DownloadAuthorization;
import com.backblaze.b2.client.structures.B2DownloadByNameRequest;
import com.backblaze.b2.client.structures.B2FileVersion;
import com.backblaze.b2.client.structures.B2GetDownloadAuthorizationRequest;
import com.backblaze.b2.client.structures.B2HideFileRequest;
import com.backblaze.b2.client.structures.B2ListFileVersionsRequest;
import com.backblaze.b2.client.structures.B2ListFileVersionsResponse;
import com.backblaze.b2.client.structures.B2UploadFileRequest;
import com.backblaze.b2.client.webApiHttpClient.B2StorageHttpClientBuilder;
import com.backblaze.b2.client.webApiHttpClient.HttpClientFactoryImpl;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ObjectStore} on Backblaze B2's native API through the official SDK. Puts stream once, with the SHA-1
 * B2 checks appended to the body; gets stream; versions are B2 file ids (hide markers and unfinished large files
 * listed with a prefix that says their kind); links are download authorizations.
 * Each call retries within the bounds of {@link BoundedRetryPolicy}, then fails with
 * {@link ObjectStoreException}.
 */
public final class B2ObjectStore implements ObjectStore, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(B2ObjectStore.class);

  private static final String PROVIDER = "b2";
  private static final String USER_AGENT = "photobomb-ops";
  /** B2's limit for one b2_upload_file; its large-file API would need content it can read at any offset. */
  private static final long MAX_SINGLE_UPLOAD = 5_000_000_000L;
  /** B2's maximum of entries in one b2_list_file_versions answer. */
  private static final int MAX_LIST_COUNT = 10_000;
  /** Entries a stat asks for: the newest of a key, with room for unfinished large files started after it. */
  private static final int STAT_PAGE = 10;
  /** Version id prefix of a hide marker; an upload's version id is its bare file id (B2 file ids have no ':'). */
  static final String HIDE_MARKER = "hide:";
  /** Version id prefix of an unfinished large file, which is cancelled rather than deleted. */
  static final String UNFINISHED = "unfinished:";
  private static final long MAX_LINK_SECONDS = Duration.ofDays(7).toSeconds();
  /** Each open get holds a thread; below the HTTP pool's 100 connections so other calls still get one. */
  private static final int MAX_OPEN_DOWNLOADS = 64;
  private static final Pattern BUCKET_NAME = Pattern.compile("[A-Za-z0-9-]{6,50}");
  /** Error codes B2 answers for a file version or name that is not there. */
  private static final Set<String> GONE = Set.of("file_not_present", "no_such_file", "not_found");

  private final B2StorageClient client;
  private final ExecutorService downloads;
  private final Map<String, String> bucketIds = new ConcurrentHashMap<>();

  B2ObjectStore(B2StorageClient client) {
    this.client = client;
    AtomicInteger threads = new AtomicInteger();
    this.downloads = new ThreadPoolExecutor(0, MAX_OPEN_DOWNLOADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        runnable -> {
          Thread thread = new Thread(runnable, "b2-download-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  /** A store with its own SDK client and HTTP connection pool; close it to release them. */
  public static B2ObjectStore create(B2Properties properties) {
    requireText(properties.applicationKeyId(), "applicationKeyId");
    requireText(properties.applicationKey(), "applicationKey");
    requireSafeTransport(properties);
    B2ClientConfig config = B2ClientConfig
        .builder(properties.applicationKeyId(), properties.applicationKey(), USER_AGENT)
        .setMasterUrl(properties.masterUrl())
        .build();
    B2StorageClient client = B2StorageHttpClientBuilder.builder(config)
        .setHttpClientFactory(HttpClientFactoryImpl.builder()
            .setSupportInsecureHttp(properties.allowInsecureHttp())
            .build())
        .setRetryPolicySupplier(() -> new BoundedRetryPolicy(properties.maxAttempts(), properties.maxBackoff()))
        .build();
    return new B2ObjectStore(client);
  }

  @Override
  public String provider() {
    return PROVIDER;
  }

  /**
   * Streams the content once. The SHA-256 is returned but not stored as B2 file info: B2 takes file info in the
   * upload's headers, before the body it is computed from. A stream longer than {@code size} is refused after
   * the upload, which is then deleted.
   */
  @Override
  public StoredObject put(String bucket, String key, InputStream content, long size, String contentType) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    Objects.requireNonNull(content, "content");
    if (size < 0 || size > MAX_SINGLE_UPLOAD) {
      throw new IllegalArgumentException("B2 takes 0 to " + MAX_SINGLE_UPLOAD + " bytes in one upload: " + size);
    }
    MeasuredInputStream measured = new MeasuredInputStream(content, true);
    StreamingContentSource source = new StreamingContentSource(measured, size);
    B2FileVersion version;
    try {
      B2UploadFileRequest request = B2UploadFileRequest
          .builder(bucketId(bucket), key, contentType == null ? B2ContentTypes.B2_AUTO : contentType, source)
          .build();
      version = client.uploadSmallFile(request);
    } catch (B2Exception e) {
      if (source.sizeMismatch() != null) {
        throw source.sizeMismatch();
      }
      throw failure("put", bucket, key, e);
    }
    measured.requireCount(size);
    requireEndOfStream(bucket, key, version, measured, size);
    requireSameSha1(bucket, key, version, measured.sha1Hex());
    log.debug("B2 stored {}/{} as {} ({} bytes)", bucket, key, version.getFileId(), size);
    return new StoredObject(PROVIDER, bucket, key, version.getFileId(), size, measured.sha256Hex());
  }

  @Override
  public InputStream get(String bucket, String key) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    B2DownloadByNameRequest request = B2DownloadByNameRequest.builder(bucket, key).build();
    DownloadHandoff handoff = new DownloadHandoff();
    try {
      downloads.execute(() -> handoff.run(() -> client.downloadByName(request, handoff)));
    } catch (RejectedExecutionException e) {
      throw new ObjectStoreException("b2: get " + bucket + "/" + key + " refused: " + MAX_OPEN_DOWNLOADS
          + " downloads are open already (are their streams closed?)", e);
    }
    try {
      return handoff.awaitBody();
    } catch (B2NotFoundException e) {
      throw new ObjectNotFoundException(PROVIDER, bucket, key);
    } catch (B2Exception e) {
      throw failure("get", bucket, key, e);
    }
  }

  /** The newest upload or hide marker decides; unfinished large files are not visible yet, so they are passed. */
  @Override
  public Optional<ObjectVersion> stat(String bucket, String key) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    return call("stat", bucket, key, () -> {
      B2ListFileVersionsRequest.Builder request = B2ListFileVersionsRequest.builder(bucketId(bucket))
          .setStartFileName(key)
          .setPrefix(key)
          .setMaxFileCount(STAT_PAGE);
      while (true) {
        B2ListFileVersionsResponse page = B2FileVersionPages.page(client, request.build());
        for (B2FileVersion entry : page.getFiles()) {
          if (!entry.getFileName().equals(key)) {
            return Optional.empty();
          }
          if (entry.isUpload()) {
            return Optional.of(toVersion(entry));
          }
          if (entry.isHide()) {
            return Optional.empty();
          }
        }
        if (page.atEnd()) {
          return Optional.empty();
        }
        request.setStart(page.getNextFileName(), page.getNextFileId());
      }
    });
  }

  /**
   * Every entry B2 keeps under the prefix: uploads, hide markers (their names carry the key) and unfinished
   * large files (their parts hold bytes), each with a version id that tells {@link #deleteVersion} its kind.
   * One b2_list_file_versions call per page, of at most 10,000 entries (B2's maximum, to which a larger
   * {@code pageSize} is capped).
   */
  @Override
  public VersionPage listVersions(String bucket, String prefix, String pageToken, int pageSize) {
    requireBucket(bucket);
    String safePrefix = ObjectKeys.requireSafePrefix(prefix);
    if (pageSize < 1) {
      throw new IllegalArgumentException("a page holds at least one version: " + pageSize);
    }
    VersionPageToken start = pageToken == null ? null : VersionPageToken.decode(pageToken, safePrefix);
    return call("listVersions", bucket, safePrefix, () -> {
      B2ListFileVersionsRequest.Builder request = B2ListFileVersionsRequest.builder(bucketId(bucket))
          .setMaxFileCount(Math.min(pageSize, MAX_LIST_COUNT));
      if (!safePrefix.isEmpty()) {
        request.setPrefix(safePrefix);
      }
      if (start != null) {
        request.setStart(start.fileName(), start.fileId());
      }
      B2ListFileVersionsResponse page = B2FileVersionPages.page(client, request.build());
      List<ObjectVersion> versions = new ArrayList<>();
      for (B2FileVersion entry : page.getFiles()) {
        if (!entry.isFolder()) {
          versions.add(toVersion(entry));
        }
      }
      String next = page.atEnd() ? null
          : new VersionPageToken(page.getNextFileName(), page.getNextFileId()).encode();
      return new VersionPage(List.copyOf(versions), next);
    });
  }

  /**
   * Deletes an upload or a hide marker by file name and id (b2_delete_file_version), or cancels an unfinished
   * large file (b2_cancel_large_file), as its version id says; the bucket only names the object in errors.
   */
  @Override
  public boolean deleteVersion(String bucket, String key, String versionId) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    requireText(versionId, "versionId");
    if (versionId.startsWith(UNFINISHED)) {
      return cancelLargeFile(bucket, key, requireFileId(versionId.substring(UNFINISHED.length())));
    }
    String fileId = versionId.startsWith(HIDE_MARKER) ? versionId.substring(HIDE_MARKER.length()) : versionId;
    return deleteFileVersion(bucket, key, requireFileId(fileId));
  }

  private boolean deleteFileVersion(String bucket, String key, String fileId) {
    try {
      client.deleteFileVersion(B2DeleteFileVersionRequest.builder(key, fileId).build());
      return true;
    } catch (B2Exception e) {
      if (!isGone(e)) {
        throw failure("deleteVersion", bucket, key, e);
      }
      log.debug("B2 version {} of {}/{} was gone already ({})", fileId, bucket, key, e.getCode());
      return false;
    }
  }

  /**
   * B2 refuses (400) to cancel a large file that is cancelled already or was finished meanwhile, keeping its
   * file id; deleting that id then removes the finished file, or finds nothing.
   */
  private boolean cancelLargeFile(String bucket, String key, String fileId) {
    try {
      client.cancelLargeFile(B2CancelLargeFileRequest.builder(fileId).build());
      return true;
    } catch (B2Exception e) {
      if (e.getStatus() != 400) {
        throw failure("deleteVersion", bucket, key, e);
      }
      log.debug("B2 could not cancel large file {} of {}/{} ({}); deleting it as a file version", fileId, bucket,
          key, e.getCode());
      return deleteFileVersion(bucket, key, fileId);
    }
  }

  /**
   * Hides a key (b2_hide_file): a hide marker becomes its newest version, so stat and get find nothing, while
   * its older versions stay until deleted. A key with nothing to hide counts as hidden.
   */
  public void hide(String bucket, String key) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    call("hide", bucket, key, () -> {
      try {
        client.hideFile(B2HideFileRequest.builder(bucketId(bucket), key).build());
      } catch (B2Exception e) {
        if (!isGone(e)) {
          throw e;
        }
        log.debug("B2 had nothing to hide at {}/{} ({})", bucket, key, e.getCode());
      }
      return null;
    });
  }

  /**
   * A link with a download authorization for the key as a name prefix, so it also opens keys that extend
   * this one ({@code a.jpg} opens {@code a.jpg.bak}); B2 has no exact-name authorization.
   */
  @Override
  public URI downloadLink(String bucket, String key, Duration validFor) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    long seconds = validFor.toSeconds();
    if (seconds < 1 || seconds > MAX_LINK_SECONDS) {
      throw new IllegalArgumentException("B2 download links last 1 s to 7 days: " + validFor);
    }
    return call("downloadLink", bucket, key, () -> {
      B2DownloadAuthorization authorization = client.getDownloadAuthorization(
          B2GetDownloadAuthorizationRequest.builder(bucketId(bucket), key, (int) seconds).build());
      String url = client.getDownloadByNameUrl(B2DownloadByNameRequest.builder(bucket, key).build());
      return URI.create(url + "?Authorization="
          + URLEncoder.encode(authorization.getAuthorizationToken(), StandardCharsets.UTF_8));
    });
  }

  /** Stops open downloads and releases the HTTP connection pool. */
  @Override
  public void close() {
    downloads.shutdownNow();
    client.close();
  }

  private String bucketId(String bucket) throws B2Exception {
    String cached = bucketIds.get(bucket);
    if (cached != null) {
      return cached;
    }
    B2Bucket found = client.getBucketOrNullByName(bucket);
    if (found == null) {
      throw new ObjectStoreException("b2: no bucket " + bucket + " visible to this application key", null);
    }
    bucketIds.put(bucket, found.getBucketId());
    return found.getBucketId();
  }

  /** Only {@code size} bytes were sent; more in the stream means the caller declared the wrong size. */
  private void requireEndOfStream(String bucket, String key, B2FileVersion version, MeasuredInputStream content,
      long size) {
    int next;
    try {
      next = content.read();
    } catch (IOException e) {
      deleteRefusedUpload(bucket, key, version);
      throw new ObjectStoreException("b2: put " + bucket + "/" + key + " could not read the end of its content", e);
    }
    if (next >= 0) {
      deleteRefusedUpload(bucket, key, version);
      throw new IllegalArgumentException("declared size " + size + " but the stream had more bytes");
    }
  }

  /** B2 checked the appended SHA-1 against what it received; this checks B2 received what was read. */
  private void requireSameSha1(String bucket, String key, B2FileVersion version, String sentSha1) {
    String storedSha1 = version.getContentSha1();
    if (storedSha1 == null || storedSha1.length() != sentSha1.length() || storedSha1.equalsIgnoreCase(sentSha1)) {
      return;
    }
    deleteRefusedUpload(bucket, key, version);
    throw new ObjectStoreException("b2: put " + bucket + "/" + key + " stored SHA-1 " + storedSha1 + " but "
        + sentSha1 + " was sent", null);
  }

  private void deleteRefusedUpload(String bucket, String key, B2FileVersion version) {
    try {
      client.deleteFileVersion(B2DeleteFileVersionRequest.builder(key, version.getFileId()).build());
    } catch (B2Exception e) {
      log.warn("B2 kept refused upload {} of {}/{}: {}", version.getFileId(), bucket, key, e.getMessage());
    }
  }

  private static ObjectVersion toVersion(B2FileVersion version) {
    String kind = version.isHide() ? HIDE_MARKER : version.isStart() ? UNFINISHED : "";
    return new ObjectVersion(version.getFileName(), kind + version.getFileId(), version.getContentLength(),
        Instant.ofEpochMilli(version.getUploadTimestamp()));
  }

  private static String requireFileId(String fileId) {
    if (fileId.isBlank() || fileId.contains(":")) {
      throw new IllegalArgumentException("not a B2 version id: " + fileId);
    }
    return fileId;
  }

  private static boolean isGone(B2Exception e) {
    return (e.getStatus() == 400 || e.getStatus() == 404) && GONE.contains(e.getCode());
  }

  /** Runs B2 calls, turning the SDK's failures (checked, or unchecked from its iterators) into ours. */
  private static <T> T call(String call, String bucket, String key, B2Call<T> body) {
    try {
      return body.run();
    } catch (B2Exception e) {
      throw failure(call, bucket, key, e);
    } catch (B2RuntimeException e) {
      throw e.getCause() instanceof B2Exception cause ? failure(call, bucket, key, cause)
          : new ObjectStoreException("b2: " + call + " " + bucket + "/" + key + " failed: " + e.getMessage(), e);
    }
  }

  private static ObjectStoreException failure(String call, String bucket, String key, B2Exception e) {
    return new ObjectStoreException("b2: " + call + " " + bucket + "/" + key + " failed: " + e.getStatus() + " "
        + e.getCode() + " " + e.getMessage(), e);
  }

  private static void requireBucket(String bucket) {
    if (bucket == null || !BUCKET_NAME.matcher(bucket).matches()) {
      throw new IllegalArgumentException("not a B2 bucket name (6 to 50 letters, digits or '-'): " + bucket);
    }
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is empty");
    }
  }

  /** Plain HTTP would carry the application key in the clear: it is for a stand-in on this machine only. */
  private static void requireSafeTransport(B2Properties properties) {
    URI master = URI.create(properties.masterUrl());
    if ("https".equals(master.getScheme())) {
      return;
    }
    if (!"http".equals(master.getScheme()) || !properties.allowInsecureHttp() || !isLoopback(master.getHost())) {
      throw new IllegalArgumentException("B2 master URL must be https, or http to a loopback address with "
          + "allowInsecureHttp: " + properties.masterUrl());
    }
  }

  private static boolean isLoopback(String host) {
    try {
      return host != null && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @FunctionalInterface
  private interface B2Call<T> {
    T run() throws B2Exception;
  }
}
