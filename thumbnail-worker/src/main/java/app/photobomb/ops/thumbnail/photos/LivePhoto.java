package app.photobomb.ops.thumbnail.photos;

import java.util.UUID;

/** A photo whose row and owner still exist, and whose owner is not (soft-)deleted. */
public record LivePhoto(UUID photoId, UUID userId, String contentType) {
}
