package app.photobomb.ops.common.events;

import java.util.List;
import java.util.UUID;

/** Fact: a photo's thumbnails were written anew at the given sizes; keyed by photo id. */
public record ThumbnailsRegenerated(UUID photoId, List<Integer> sizes)
    implements PhotobombMessage {

  @Override
  public String key() {
    return photoId.toString();
  }
}
