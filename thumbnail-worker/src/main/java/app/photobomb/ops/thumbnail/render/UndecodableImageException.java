package app.photobomb.ops.thumbnail.render;

/** The bytes of an original are no image that ImageIO can decode (corrupt, truncated, or an unsupported format). */
public class UndecodableImageException extends Exception {

  public UndecodableImageException(String message) {
    super(message);
  }

  public UndecodableImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
