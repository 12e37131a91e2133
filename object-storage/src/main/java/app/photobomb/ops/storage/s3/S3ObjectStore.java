package app.photobomb.ops.storage.s3;

import app.photobomb.ops.common.storage.MeasuredInputStream;
import app.photobomb.ops.common.storage.ObjectKeys;
import app.photobomb.ops.common.storage.ObjectNotFoundException;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.ObjectStoreException;
import app.photobomb.ops.common.storage.ObjectVersion;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.common.storage.VersionPage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * {@link ObjectStore} on an S3-compatible API (Cloudflare R2) through AWS SDK v2. A put streams once: in one
 * request up to the multipart threshold, part by part above it with one part in memory; its SHA-256 is then
 * attached by a server-side copy of the object onto itself. Versions are S3 version ids, or the ETag where the
 * store keeps no versions (R2). Links are presigned GETs.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);

  private static final String PROVIDER = "r2";
  /** User metadata ({@code x-amz-meta-sha256}) holding the hex SHA-256 of the object. */
  static final String SHA256_METADATA = "sha256";
  /**
   * Prefix of a version id that is an ETag. A store without versioning (R2; s3proxy's filesystem backend)
   * answers no version id, and S3 without versioning lists the version {@code null}; the ETag then stands in,
   * as it changes with every write of different bytes. The prefix tells such an id from a real one.
   */
  static final String ETAG_VERSION = "etag:";
  private static final int MAX_PARTS = 10_000;
  private static final int MAX_LIST_KEYS = 1_000;
  private static final Duration MAX_LINK = Duration.ofDays(7);
  private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private final S3Client s3;
  private final S3Presigner presigner;
  private final long multipartThreshold;
  private final int partSize;
  /** Set once the store answered that it cannot list versions; first pages then go to ListObjectsV2. */
  private volatile boolean versionListingUnsupported;

  S3ObjectStore(S3Client s3, S3Presigner presigner, long multipartThreshold, int partSize) {
    this.s3 = s3;
    this.presigner = presigner;
    this.multipartThreshold = multipartThreshold;
    this.partSize = partSize;
  }

  /** A store with its own S3 client, connection pool and presigner; close it to release them. */
  public static S3ObjectStore create(S3Properties properties) {
    return new S3ObjectStore(S3Clients.client(properties), S3Clients.presigner(properties),
        properties.multipartThreshold().toBytes(), (int) properties.partSize().toBytes());
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
    long maxSize = (long) partSize * MAX_PARTS;
    if (size < 0 || size > maxSize) {
      throw new IllegalArgumentException("S3 takes 0 to " + maxSize + " bytes in " + MAX_PARTS + " parts of "
          + partSize + ": " + size);
    }
    MeasuredInputStream measured = new MeasuredInputStream(content);
    boolean inParts = size > multipartThreshold;
    Written uploaded = inParts ? uploadInParts(bucket, key, measured, size, contentType)
        : uploadWhole(bucket, key, measured, size, contentType);
    String sha256 = measured.sha256Hex();
    Written stored;
    try {
      stored = copyWithSha256(bucket, key, uploaded, size, inParts, contentType, sha256);
    } catch (RuntimeException e) {
      discard(bucket, key, uploaded, e);
      throw translate("put", bucket, key, e);
    }
    if (uploaded.versioned()) {
      dropUploadedVersion(bucket, key, uploaded);
    }
    log.debug("{} stored {}/{} as {} ({} bytes{})", PROVIDER, bucket, key, stored.versionId(), size,
        inParts ? ", multipart" : "");
    return new StoredObject(PROVIDER, bucket, key, stored.versionId(), size, sha256);
  }

  @Override
  public InputStream get(String bucket, String key) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    try {
      return s3.getObject(request -> request.bucket(bucket).key(key));
    } catch (SdkException e) {
      if (isGone(e)) {
        throw new ObjectNotFoundException(PROVIDER, bucket, key);
      }
      throw failure("get", bucket, key, e);
    }
  }

  @Override
  public Optional<ObjectVersion> stat(String bucket, String key) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    try {
      return head(bucket, key).map(head -> new ObjectVersion(key, versionId(head.versionId(), head.eTag()),
          head.contentLength(), head.lastModified()));
    } catch (SdkException e) {
      throw failure("stat", bucket, key, e);
    }
  }

  @Override
  public VersionPage listVersions(String bucket, String prefix, String pageToken, int pageSize) {
    requireBucket(bucket);
    String safePrefix = ObjectKeys.requireSafePrefix(prefix);
    if (pageSize < 1) {
      throw new IllegalArgumentException("a page holds at least one version: " + pageSize);
    }
    int maxKeys = Math.min(pageSize, MAX_LIST_KEYS);
    S3PageToken start = pageToken == null ? null : S3PageToken.decode(pageToken);
    try {
      boolean versions = start == null ? !versionListingUnsupported : start.listing() == S3PageToken.Listing.VERSIONS;
      if (versions) {
        try {
          return listObjectVersions(bucket, safePrefix, start, maxKeys);
        } catch (S3Exception e) {
          if (start != null || !isNotImplemented(e)) {
            throw e;
          }
          versionListingUnsupported = true;
          log.info("{} cannot list versions ({} {}); listing objects, with ETags as version ids, from now on",
              PROVIDER, e.statusCode(), errorCode(e));
        }
      }
      return listObjects(bucket, safePrefix, start, maxKeys);
    } catch (SdkException e) {
      throw failure("listVersions", bucket, safePrefix, e);
    }
  }

  @Override
  public boolean deleteVersion(String bucket, String key, String versionId) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    if (versionId == null || versionId.isBlank()) {
      throw new IllegalArgumentException("versionId is empty");
    }
    try {
      if (versionId.startsWith(ETAG_VERSION)) {
        return deleteIfCurrent(bucket, key, versionId.substring(ETAG_VERSION.length()));
      }
      // S3 answers 204 to a delete of a version that is not there, so only a look first tells what it removed.
      if (versionExists(bucket, key, versionId)) {
        s3.deleteObject(request -> request.bucket(bucket).key(key).versionId(versionId));
        return true;
      }
    } catch (SdkException e) {
      if (!isGone(e)) {
        throw failure("deleteVersion", bucket, key, e);
      }
    }
    log.debug("{} version {} of {}/{} was gone already", PROVIDER, versionId, bucket, key);
    return false;
  }

  @Override
  public URI downloadLink(String bucket, String key, Duration validFor) {
    requireBucket(bucket);
    ObjectKeys.requireSafe(key);
    if (validFor == null || validFor.toSeconds() < 1 || validFor.compareTo(MAX_LINK) > 0) {
      throw new IllegalArgumentException("S3 presigned links last 1 s to 7 days: " + validFor);
    }
    try {
      return presigner.presignGetObject(presign -> presign.signatureDuration(validFor)
          .getObjectRequest(request -> request.bucket(bucket).key(key))).url().toURI();
    } catch (SdkException e) {
      throw failure("downloadLink", bucket, key, e);
    } catch (URISyntaxException e) {
      throw new ObjectStoreException(PROVIDER + ": downloadLink " + bucket + "/" + key + " made no URI", e);
    }
  }

  /** Releases the HTTP connection pool. */
  @Override
  public void close() {
    presigner.close();
    s3.close();
  }

  private Written uploadWhole(String bucket, String key, MeasuredInputStream measured, long size,
      String contentType) {
    PutObjectResponse response;
    try {
      response = s3.putObject(request -> request.bucket(bucket).key(key).contentType(contentType)
          .contentLength(size), RequestBody.fromInputStream(measured, size));
    } catch (RuntimeException e) {
      // The SDK stops at the declared length, or fails on a shorter stream; a short stream is the caller's bug.
      if (measured.count() < size && readsNothingMore(measured)) {
        measured.requireCount(size);
      }
      throw translate("put", bucket, key, e);
    }
    Written written = new Written(response.eTag(), response.versionId());
    requireEndOfStream(bucket, key, measured, size, written);
    return written;
  }

  /** Uploads part by part through one reusable buffer; any failure aborts the upload so no part is kept. */
  private Written uploadInParts(String bucket, String key, MeasuredInputStream measured, long size,
      String contentType) {
    String uploadId;
    try {
      uploadId = s3.createMultipartUpload(request -> request.bucket(bucket).key(key).contentType(contentType))
          .uploadId();
    } catch (SdkException e) {
      throw failure("put", bucket, key, e);
    }
    try {
      byte[] buffer = new byte[partSize];
      List<CompletedPart> parts = new ArrayList<>();
      for (long offset = 0; offset < size; offset += partSize) {
        int length = (int) Math.min(partSize, size - offset);
        if (measured.readNBytes(buffer, 0, length) < length) {
          break;
        }
        int partNumber = parts.size() + 1;
        String eTag = s3.uploadPart(request -> request.bucket(bucket).key(key).uploadId(uploadId)
                .partNumber(partNumber).contentLength((long) length),
            RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length,
                "application/octet-stream")).eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(eTag).build());
      }
      measured.requireCount(size);
      if (!readsNothingMore(measured)) {
        throw tooLong(size);
      }
      CompleteMultipartUploadResponse done = s3.completeMultipartUpload(request -> request.bucket(bucket)
          .key(key).uploadId(uploadId).multipartUpload(upload -> upload.parts(parts)));
      return new Written(done.eTag(), done.versionId());
    } catch (IOException e) {
      abort(bucket, key, uploadId, e);
      throw new UncheckedIOException(PROVIDER + ": put " + bucket + "/" + key + " could not read its content", e);
    } catch (RuntimeException e) {
      abort(bucket, key, uploadId, e);
      throw translate("put", bucket, key, e);
    }
  }

  /**
   * Copies the uploaded object onto itself with the SHA-256 as user metadata: S3 takes metadata before the
   * bytes, and the hash is known only after them. The copy happens inside the store; no byte is sent again.
   * Uploads that needed parts are copied in the same parts, as a single copy is capped at 5 GiB.
   */
  private Written copyWithSha256(String bucket, String key, Written uploaded, long size, boolean inParts,
      String contentType, String sha256) {
    Map<String, String> metadata = Map.of(SHA256_METADATA, sha256);
    if (!inParts) {
      CopyObjectRequest.Builder request = CopyObjectRequest.builder()
          .sourceBucket(bucket).sourceKey(key).destinationBucket(bucket).destinationKey(key)
          .metadataDirective(MetadataDirective.REPLACE).metadata(metadata).contentType(contentType);
      if (uploaded.versioned()) {
        request.sourceVersionId(uploaded.s3VersionId());
      } else {
        request.copySourceIfMatch(uploaded.eTag());
      }
      CopyObjectResponse response = s3.copyObject(request.build());
      return new Written(response.copyObjectResult().eTag(), response.versionId());
    }
    String uploadId = s3.createMultipartUpload(request -> request.bucket(bucket).key(key).contentType(contentType)
        .metadata(metadata)).uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      for (long offset = 0; offset < size; offset += partSize) {
        int partNumber = parts.size() + 1;
        UploadPartCopyRequest.Builder request = UploadPartCopyRequest.builder()
            .sourceBucket(bucket).sourceKey(key).destinationBucket(bucket).destinationKey(key)
            .uploadId(uploadId).partNumber(partNumber)
            .copySourceRange("bytes=" + offset + "-" + (Math.min(offset + partSize, size) - 1));
        if (uploaded.versioned()) {
          request.sourceVersionId(uploaded.s3VersionId());
        } else {
          request.copySourceIfMatch(uploaded.eTag());
        }
        String eTag = s3.uploadPartCopy(request.build()).copyPartResult().eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(eTag).build());
      }
      CompleteMultipartUploadResponse done = s3.completeMultipartUpload(request -> request.bucket(bucket)
          .key(key).uploadId(uploadId).multipartUpload(upload -> upload.parts(parts)));
      return new Written(done.eTag(), done.versionId());
    } catch (RuntimeException e) {
      abort(bucket, key, uploadId, e);
      throw e;
    }
  }

  /**
   * In a versioned bucket the copy is a second version; the first, without the SHA-256, goes. Failing that it
   * stays as an older version, listed like any other, so the put still stands.
   */
  private void dropUploadedVersion(String bucket, String key, Written uploaded) {
    try {
      s3.deleteObject(request -> request.bucket(bucket).key(key).versionId(uploaded.s3VersionId()));
    } catch (SdkException e) {
      log.warn("{} kept the uploaded version {} of {}/{} next to its copy with the SHA-256: {}", PROVIDER,
          uploaded.s3VersionId(), bucket, key, e.getMessage());
    }
  }

  /** Lists versions newest first within a key; delete markers come in a list of their own and are left out. */
  private VersionPage listObjectVersions(String bucket, String prefix, S3PageToken start, int pageSize) {
    ListObjectVersionsRequest.Builder request = ListObjectVersionsRequest.builder().bucket(bucket).maxKeys(pageSize);
    if (!prefix.isEmpty()) {
      request.prefix(prefix);
    }
    if (start != null) {
      request.keyMarker(start.marker()).versionIdMarker(start.versionIdMarker());
    }
    ListObjectVersionsResponse response = s3.listObjectVersions(request.build());
    List<ObjectVersion> versions = response.versions().stream()
        .map(version -> new ObjectVersion(version.key(), versionId(version.versionId(), version.eTag()),
            version.size(), version.lastModified()))
        .toList();
    String next = Boolean.TRUE.equals(response.isTruncated())
        ? S3PageToken.versions(response.nextKeyMarker(), response.nextVersionIdMarker()).encode() : null;
    return new VersionPage(versions, next);
  }

  /** A store without versions has one version a key: the current object, its ETag as version id. */
  private VersionPage listObjects(String bucket, String prefix, S3PageToken start, int pageSize) {
    ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).maxKeys(pageSize);
    if (!prefix.isEmpty()) {
      request.prefix(prefix);
    }
    if (start != null) {
      request.continuationToken(start.marker());
    }
    ListObjectsV2Response response = s3.listObjectsV2(request.build());
    List<ObjectVersion> versions = response.contents().stream()
        .map(object -> new ObjectVersion(object.key(), versionId(null, object.eTag()), object.size(),
            object.lastModified()))
        .toList();
    String next = Boolean.TRUE.equals(response.isTruncated())
        ? S3PageToken.objects(response.nextContinuationToken()).encode() : null;
    return new VersionPage(versions, next);
  }

  /**
   * Deletes the key only while its ETag is the one given, so a newer write survives the delete of an older
   * one. A write between the check and the delete would still be lost; S3 has no conditional delete that
   * R2 is known to honour.
   */
  private boolean deleteIfCurrent(String bucket, String key, String eTag) {
    Optional<HeadObjectResponse> current = head(bucket, key);
    if (current.isPresent() && unquoted(current.get().eTag()).equals(eTag)) {
      s3.deleteObject(request -> request.bucket(bucket).key(key));
      return true;
    }
    log.debug("{} kept {}/{}: it is gone or no longer has ETag {}", PROVIDER, bucket, key, eTag);
    return false;
  }

  /** A version HEAD answers 405 for a delete marker: there, but not an object. */
  private boolean versionExists(String bucket, String key, String versionId) {
    try {
      s3.headObject(request -> request.bucket(bucket).key(key).versionId(versionId));
      return true;
    } catch (SdkException e) {
      if (isGone(e)) {
        return false;
      }
      if (e instanceof AwsServiceException service && service.statusCode() == 405) {
        return true;
      }
      throw e;
    }
  }

  private Optional<HeadObjectResponse> head(String bucket, String key) {
    try {
      return Optional.of(s3.headObject(request -> request.bucket(bucket).key(key)));
    } catch (SdkException e) {
      if (isGone(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** A put that failed after the store took the object removes it again, adding any failure to the cause. */
  private void discard(String bucket, String key, Written written, RuntimeException cause) {
    try {
      if (written.versioned()) {
        s3.deleteObject(request -> request.bucket(bucket).key(key).versionId(written.s3VersionId()));
      } else {
        deleteIfCurrent(bucket, key, unquoted(written.eTag()));
      }
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
      log.warn("{} could not remove {}/{} ({}) after a failed put: {}", PROVIDER, bucket, key,
          written.versionId(), e.getMessage());
    }
  }

  private void abort(String bucket, String key, String uploadId, Exception cause) {
    try {
      s3.abortMultipartUpload(request -> request.bucket(bucket).key(key).uploadId(uploadId));
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
      log.warn("{} could not abort multipart upload {} of {}/{}; the bucket's lifecycle rule must remove it: {}",
          PROVIDER, uploadId, bucket, key, e.getMessage());
    }
  }

  /** The SDK reads no further than the declared size, so one more byte tells a longer stream. */
  private void requireEndOfStream(String bucket, String key, MeasuredInputStream measured, long size,
      Written written) {
    if (measured.count() == size && readsNothingMore(measured)) {
      return;
    }
    IllegalArgumentException tooLong = tooLong(size);
    discard(bucket, key, written, tooLong);
    throw tooLong;
  }

  private static boolean readsNothingMore(InputStream in) {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static IllegalArgumentException tooLong(long size) {
    return new IllegalArgumentException("declared size " + size + " but the stream had more bytes");
  }

  /** Our version id of an S3 version: its id, or the ETag where there is none (see {@link #ETAG_VERSION}). */
  static String versionId(String s3VersionId, String eTag) {
    if (s3VersionId == null || s3VersionId.isEmpty() || "null".equals(s3VersionId)) {
      return ETAG_VERSION + unquoted(eTag);
    }
    return s3VersionId;
  }

  private static String unquoted(String eTag) {
    return eTag == null ? "" : eTag.replace("\"", "");
  }

  private static boolean isGone(SdkException e) {
    return e instanceof NoSuchKeyException
        || e instanceof AwsServiceException service && (service.statusCode() == 404
        || "NoSuchVersion".equals(errorCode(service)));
  }

  private static boolean isNotImplemented(S3Exception e) {
    return e.statusCode() == 501 || "NotImplemented".equals(errorCode(e));
  }

  private static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  private static RuntimeException translate(String call, String bucket, String key, RuntimeException e) {
    return e instanceof SdkException sdk ? failure(call, bucket, key, sdk) : e;
  }

  private static ObjectStoreException failure(String call, String bucket, String key, SdkException e) {
    String detail = e instanceof AwsServiceException service
        ? service.statusCode() + " " + errorCode(service) + " " + e.getMessage() : e.getMessage();
    return new ObjectStoreException(PROVIDER + ": " + call + " " + bucket + "/" + key + " failed: " + detail, e);
  }

  private static void requireBucket(String bucket) {
    if (bucket == null || !BUCKET_NAME.matcher(bucket).matches()) {
      throw new IllegalArgumentException("not an S3 bucket name (3 to 63 lower-case letters, digits, '.' or "
          + "'-'): " + bucket);
    }
  }

  /** What the store answered for a write: its ETag (quoted, as S3 sends it) and version id, if it keeps one. */
  private record Written(String eTag, String s3VersionId) {

    boolean versioned() {
      return !versionId().startsWith(ETAG_VERSION);
    }

    String versionId() {
      return S3ObjectStore.versionId(s3VersionId, eTag);
    }
  }
}
