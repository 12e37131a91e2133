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
 * @param schedulerInterval how often due accounts are looked for
 * @param objectConcurrency object deletions in flight at once
 * @param userPrefixes {@code bucket:prefix} pairs swept for objects the database does not know, where
 *     {@code {userId}} stands for the user's id: the user's originals and export archives
 * @param exportsBucket the bucket whose objects live in the exports store (GCS); every other bucket is in the
 *     originals store (B2)
 */
@ConfigurationProperties("photobomb.deletion")
public record DeletionProperties(@DefaultValue("30d") Duration grace,
    @DefaultValue("https://cdn.photobomb.app") String cdnBaseUrl,
    @DefaultValue("1000") int purgeChunkPhotos,
    @DefaultValue("30s") Duration schedulerInterval,
    @DefaultValue("8") int objectConcurrency,
    @DefaultValue({"photobomb-originals:originals/{userId}/", "photobomb-exports:exports/{userId}/"})
    List<String> userPrefixes,
    @DefaultValue("photobomb-exports") String exportsBucket) {
}
