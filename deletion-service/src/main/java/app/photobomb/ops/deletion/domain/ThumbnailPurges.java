package app.photobomb.ops.deletion.domain;

import app.photobomb.ops.common.events.CachePurgeRequested;
import app.photobomb.ops.deletion.config.DeletionProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** The CDN purge requests that make the edge forget a deleted account's thumbnails, a chunk of photos each. */
@Component
public class ThumbnailPurges {

  private static final List<String> THUMBNAIL_SIZES = List.of("256", "512", "1024");
  private static final String ACTOR = "deletion-service";

  private final DeletionProperties properties;

  public ThumbnailPurges(DeletionProperties properties) {
    this.properties = properties;
  }

  /** One request per {@code purgeChunkPhotos} photos, naming every thumbnail size of each. */
  public List<CachePurgeRequested> of(List<UUID> photoIds) {
    int chunk = properties.purgeChunkPhotos();
    List<CachePurgeRequested> requests = new ArrayList<>();
    for (int from = 0; from < photoIds.size(); from += chunk) {
      List<String> urls = new ArrayList<>();
      for (UUID photoId : photoIds.subList(from, Math.min(photoIds.size(), from + chunk))) {
        for (String size : THUMBNAIL_SIZES) {
          urls.add(properties.cdnBaseUrl() + "/thumb/" + photoId + "/" + size + ".webp");
        }
      }
      requests.add(new CachePurgeRequested(UUID.randomUUID(), urls, null, false, false, ACTOR));
    }
    return requests;
  }
}
