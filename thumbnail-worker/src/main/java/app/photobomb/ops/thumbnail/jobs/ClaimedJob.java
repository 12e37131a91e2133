package app.photobomb.ops.thumbnail.jobs;

import java.util.UUID;

/** A processing job this worker claimed: what its row said when the claim returned. */
public record ClaimedJob(long jobId, String jobType, UUID photoId, UUID uploadId, int attempts, int maxAttempts,
    UUID batchId) {
}
