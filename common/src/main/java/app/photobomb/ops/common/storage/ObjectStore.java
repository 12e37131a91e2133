package app.photobomb.ops.common.storage;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * An object store: Backblaze B2, an S3-compatible store (Cloudflare R2), Google Cloud Storage or local files.
 * Every call streams; none holds a whole object in memory. Keys are relative paths such as
 * {@code originals/<userId>/<photoId>.jpg}; hostile keys are refused with {@link IllegalArgumentException}.
 */
public interface ObjectStore {

  /** Short name of the provider for logs, metrics and the photo_files.provider column: b2, r2, gcs, local. */
  String provider();

  /**
   * Stores {@code size} bytes read from {@code content} (read to the end, not closed) as a new version of the
   * key, and returns what was stored, with its SHA-256 computed while streaming.
   */
  StoredObject put(String bucket, String key, InputStream content, long size, String contentType);

  /**
   * Starts writing a new version of a key whose size is not known yet: bytes stream to the store, and the
   * object exists only after {@link ObjectUpload#commit()}. Stores that need the size first do not offer it.
   */
  default ObjectUpload upload(String bucket, String key, String contentType) {
    throw new UnsupportedOperationException(provider() + " needs an object's size before its bytes; use put");
  }

  /** Opens the newest version of a key for reading; the caller closes the stream. */
  InputStream get(String bucket, String key);

  /** The newest version of a key, or empty when there is none. */
  Optional<ObjectVersion> stat(String bucket, String key);

  /**
   * One page of every version of every key under a prefix, in key order (newest version first within a key):
   * every entry the store keeps for those keys (B2's hide markers and unfinished large files included), each
   * with a version id that {@link #deleteVersion} removes. A page holds at most {@code pageSize} versions, a
   * size each store caps at its own maximum (S3 and GCS 1,000, B2 10,000). Pass {@code null} for the first page
   * and the returned {@link VersionPage#nextPageToken()} after that.
   */
  VersionPage listVersions(String bucket, String prefix, String pageToken, int pageSize);

  /**
   * Deletes one version and says whether this call removed it: {@code false} when it was gone already (deleted
   * before, or never there), so callers count only what they really deleted. A store failure throws.
   */
  boolean deleteVersion(String bucket, String key, String versionId);

  /**
   * Deletes every version of one key (those the store lists under it, not longer keys that start with it) and
   * returns how many this call removed; a key with none counts as deleted.
   */
  default int deleteEveryVersion(String bucket, String key) {
    int deleted = 0;
    String token = null;
    do {
      VersionPage page = listVersions(bucket, key, token, 1000);
      for (ObjectVersion version : page.versions()) {
        if (version.key().equals(key)) {
          if (deleteVersion(bucket, key, version.versionId())) {
            deleted++;
          }
        }
      }
      token = page.nextPageToken();
    } while (token != null);
    return deleted;
  }

  /** A link that downloads the newest version of the key without credentials until it expires. */
  URI downloadLink(String bucket, String key, Duration validFor);
}
