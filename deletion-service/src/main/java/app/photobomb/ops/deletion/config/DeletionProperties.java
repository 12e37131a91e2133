package app.photobomb.ops.deletion.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of account deletion ({@code photobomb.deletion.*}).
 *
 * @param grace how long a soft-deleted account can still be restored (the runbook's 30 days)
 * @param cdnBaseUrl base of thumbnail URLs to purge: {@code <base>/thumb/<photoId>/<size>.webp}
 * @param purgeChunkPhotos photos per CachePurgeRequested (three URLs each)
 * @param schedulerInterval how often due accounts are looked for when the last pass found no work
 * @param objectConcurrency store calls in flight at once
 * @param userPrefixes {@code bucket:prefix} pairs listed for every version under them, where {@code {userId}}
 *     stands for the user's id: the user's originals and export archives, including what the database forgot
 * @param photoPrefixes {@code bucket:prefix} pairs listed per photo of the user, where {@code {photoId}} stands
 *     for the photo's id: its thumbnails. Stored keys under no prefix are listed one by one
 * @param exportsBucket the bucket whose objects live in the exports store (GCS); every other bucket is in the
 *     originals store (B2)
 * @param objectRetryBackoff wait after an object task's first failure, doubled after each further one
 * @param objectRetryMaxBackoff longest wait between attempts of one object task
 * @param claimLease how long an object task claimed by a replica stays its own; a replica that dies leaves its
 *     tasks to the others (or to itself, restarted) after this. Far longer than one pass takes
 */
@ConfigurationProperties("photobomb.deletion")
public record DeletionProperties(@DefaultValue("30d") Duration grace,
    @DefaultValue("https://cdn.photobomb.app") String cdnBaseUrl,
    @DefaultValue("1000") int purgeChunkPhotos,
    @DefaultValue("30s") Duration schedulerInterval,
    @DefaultValue("8") int objectConcurrency,
    @DefaultValue({"photobomb-originals:originals/{userId}/", "photobomb-exports:exports/{userId}/"})
    List<String> userPrefixes,
    @DefaultValue("photobomb-thumbnails:thumbs/{photoId}/") List<String> photoPrefixes,
    @DefaultValue("photobomb-exports") String exportsBucket,
    @DefaultValue("10s") Duration objectRetryBackoff,
    @DefaultValue("15m") Duration objectRetryMaxBackoff,
    @DefaultValue("10m") Duration claimLease) {

  public DeletionProperties {
    // Everything under a prefix is deleted: one without the owner's id in it would take other users' objects.
    userPrefixes.forEach(pair -> check(pair, "{userId}"));
    photoPrefixes.forEach(pair -> check(pair, "{photoId}"));
  }

  private static void check(String pair, String placeholder) {
    int colon = pair.indexOf(':');
    if (colon <= 0 || !pair.endsWith("/") || !pair.substring(colon + 1).contains(placeholder)) {
      throw new IllegalArgumentException("a deletion prefix is bucket:prefix/, ends in '/' and contains "
          + placeholder + ": " + pair);
    }
  }
}
