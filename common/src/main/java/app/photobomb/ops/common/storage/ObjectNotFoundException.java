package app.photobomb.ops.common.storage;

/** The key has no version in the bucket. */
public class ObjectNotFoundException extends RuntimeException {

  public ObjectNotFoundException(String provider, String bucket, String key) {
    super(provider + ": no object " + bucket + "/" + key);
  }
}
