package app.photobomb.ops.thumbnail.photos;

/** One photo_files row: a stored object of a photo (its original or a thumbnail size). */
public record PhotoFile(long photoFileId, String kind, String provider, String bucket, String objectKey,
    String fileId, long sizeBytes, String sha256) {

  public static final String ORIGINAL = "original";
}
