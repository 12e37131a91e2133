package app.photobomb.ops.export.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of GDPR exports ({@code photobomb.export.*}, e.g. {@code PHOTOBOMB_EXPORT_OPERATORS=admin}).
 *
 * @param operators who may export any user's data besides the user (the runbook's admin); anyone else is refused
 * @param bucket the exports bucket (GCS {@code photobomb-exports} in production)
 * @param linkValidity how long the download link works, and how long the archive is kept (GCS allows 7 days)
 * @param workers exports built at once by this instance
 * @param pollInterval how often idle workers look for queued exports
 * @param lease how long a worker's claim on an export holds without renewal; a crashed worker's export is
 *     taken over after it
 * @param progressInterval the least time between two progress events of one export
 * @param maxAttempts builds tried before an export fails (a crash or an error costs one; a storage outage does not)
 * @param retentionInterval how often expired archives are looked for and deleted
 * @param recordsInMemory how much of an archive's per-file records (names, sizes, hashes) stays in memory
 *     before the rest goes to a temporary file
 * @param storagePatience how long after its request an export keeps waiting out a storage outage (tried again with a
 *     backoff) before it fails with storage_unavailable; the runbook gives an export 30 minutes
 * @param storageRetryBackoff the first wait after a storage outage; each later one is half the time waited so far,
 *     at most a minute
 */
@ConfigurationProperties("photobomb.export")
public record ExportProperties(@DefaultValue("admin") List<String> operators,
    @DefaultValue("photobomb-exports") String bucket,
    @DefaultValue("7d") Duration linkValidity,
    @DefaultValue("2") int workers,
    @DefaultValue("1s") Duration pollInterval,
    @DefaultValue("2m") Duration lease,
    @DefaultValue("5s") Duration progressInterval,
    @DefaultValue("3") int maxAttempts,
    @DefaultValue("1m") Duration retentionInterval,
    @DefaultValue("4MB") org.springframework.util.unit.DataSize recordsInMemory,
    @DefaultValue("20m") Duration storagePatience,
    @DefaultValue("2s") Duration storageRetryBackoff) {

  public ExportProperties {
    if (linkValidity.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("photobomb.export.link-validity: signed links last 7 days at most, not "
          + linkValidity);
    }
    if (workers < 1 || maxAttempts < 1) {
      throw new IllegalArgumentException("photobomb.export.workers and max-attempts must be at least 1");
    }
  }

  /**
   * Where one attempt of an export stores its archive: under the user's prefix, which the deletion-service
   * sweeps, and its own key per attempt, so that a stalled attempt can never overwrite or delete another's.
   */
  public String objectKey(java.util.UUID userId, java.util.UUID exportId, int attempt) {
    return userPrefix(userId) + exportId + "-" + attempt + ".zip";
  }

  /** Every attempt's archive of one export is under this prefix. */
  public String exportPrefix(java.util.UUID userId, java.util.UUID exportId) {
    return userPrefix(userId) + exportId + "-";
  }

  /** Every archive of a user is under this prefix. */
  public String userPrefix(java.util.UUID userId) {
    return "exports/" + userId + "/";
  }
}
