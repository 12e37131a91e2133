package app.photobomb.ops.common.thumbnails;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The thumbnails a photo has ({@code photobomb.thumbnails.*}, e.g. {@code PHOTOBOMB_THUMBNAILS_SIZES=256,512,1024}),
 * one setting for the reprocess-service (whose idempotency keys name the spec version) and the thumbnail-worker
 * (which renders it): change the sizes or the quality together with the version, and a batch regenerates them.
 *
 * @param sizes long side of each WebP thumbnail in pixels; each is stored as {@code thumbs/<photoId>/<size>.webp}
 *     and recorded as photo_files kind {@code thumb_<size>}
 * @param quality lossy WebP quality, 0 to 1
 * @param specVersion the version of this spec: thumbnails rendered at another version are out of date
 */
@ConfigurationProperties("photobomb.thumbnails")
public record ThumbnailSpec(@DefaultValue({"256", "512", "1024"}) List<Integer> sizes,
    @DefaultValue("0.8") float quality, @DefaultValue("1") int specVersion) {

  public ThumbnailSpec {
    sizes = List.copyOf(sizes);
    if (sizes.isEmpty() || sizes.stream().anyMatch(size -> size < 1)) {
      throw new IllegalArgumentException("photobomb.thumbnails.sizes needs at least one positive size: " + sizes);
    }
    if (!(quality >= 0f && quality <= 1f)) {
      throw new IllegalArgumentException("photobomb.thumbnails.quality is 0 to 1: " + quality);
    }
    if (specVersion < 1) {
      throw new IllegalArgumentException("photobomb.thumbnails.spec-version is at least 1: " + specVersion);
    }
  }

  /** The runbook's thumbnails: 256, 512 and 1024 px at quality 0.8, version 1. */
  public static ThumbnailSpec defaults() {
    return new ThumbnailSpec(List.of(256, 512, 1024), 0.8f, 1);
  }

  /** The photo_files kind of one size: {@code thumb_512}. */
  public static String kind(int size) {
    return "thumb_" + size;
  }

  /** The object key of one size of a photo's thumbnails in the thumbnails bucket. */
  public static String key(Object photoId, int size) {
    return "thumbs/" + photoId + "/" + size + ".webp";
  }
}
