package app.photobomb.ops.common.storage;

import java.time.Instant;

/** One stored version of a key. */
public record ObjectVersion(String key, String versionId, long size, Instant uploadedAt) {
}
