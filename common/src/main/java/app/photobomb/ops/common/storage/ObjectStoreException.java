package app.photobomb.ops.common.storage;

/** A store call failed after the adapter's own retries; the message says which store and call. */
public class ObjectStoreException extends RuntimeException {

  public ObjectStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
