package app.photobomb.ops.storage.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which stores a service uses ({@code photobomb.storage.*}, e.g. {@code PHOTOBOMB_STORAGE_PRIMARY=b2}).
 *
 * @param primary where originals and thumbnails go: {@code b2} in production, {@code local} on a laptop
 * @param fallback where writes go while the primary is down: {@code r2}, or {@code none}
 * @param exports where GDPR export archives go: {@code gcs} in production, {@code local} on a laptop
 * @param local the local store: its root directory, the secret that signs its links, and the base URL that
 *     serves them
 * @param spoolDirectory where uploads no store took wait for the retry worker: a persistent volume (when
 *     unset, the temp directory, with a warning)
 * @param spoolOwner this instance's name in the retry table (default: the host name); must stay the same
 *     across restarts, as a StatefulSet pod's name does
 * @param retryInterval how often the retry worker looks for due uploads
 */
@ConfigurationProperties("photobomb.storage")
public record StorageProperties(@DefaultValue("local") String primary, @DefaultValue("none") String fallback,
    @DefaultValue("local") String exports, @DefaultValue Local local,
    Path spoolDirectory, String spoolOwner,
    @DefaultValue("10s") Duration retryInterval) {

  /** The local filesystem store. */
  public record Local(@DefaultValue(".local/objects") Path root, String linkSecret,
      @DefaultValue("http://127.0.0.1:8090") String linkBaseUrl) {
  }
}
