package app.photobomb.ops.faults;

import java.util.List;
import java.util.UUID;

/** An account as seeded: its photos' keys in the store and their originals' SHA-256. */
record SeededAccount(UUID userId, List<Photo> photos) {

  /** One photo: its original's key (originals bucket), its thumbnail's key (thumbnails bucket), the original's hash. */
  record Photo(UUID photoId, String originalKey, String thumbnailKey, String originalSha256) {
  }
}
