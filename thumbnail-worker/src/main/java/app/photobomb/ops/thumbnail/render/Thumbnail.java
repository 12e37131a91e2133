package app.photobomb.ops.thumbnail.render;

/** One encoded thumbnail: its size (the long side asked for), its pixel dimensions and its WebP bytes. */
public record Thumbnail(int size, int width, int height, byte[] webp) {

  public static final String CONTENT_TYPE = "image/webp";
}
