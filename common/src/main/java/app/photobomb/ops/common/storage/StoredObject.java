package app.photobomb.ops.common.storage;

/** What a put stored: where, which version, how many bytes, and their SHA-256 (hex). */
public record StoredObject(String provider, String bucket, String key, String versionId, long size, String sha256) {
}
