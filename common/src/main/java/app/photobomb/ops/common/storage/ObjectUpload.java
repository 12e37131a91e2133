package app.photobomb.ops.common.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A new version of a key being written whose size is not known in advance (an archive being built). Bytes go
 * straight to the store; nothing is visible under the key until {@link #commit()}, and {@link #close()} without
 * a commit abandons the upload and leaves no object. Counts the bytes and computes their SHA-256 on the way (on
 * another thread, see {@link BackgroundSha256}).
 */
public abstract class ObjectUpload extends OutputStream {

  private final BackgroundSha256 sha256 = new BackgroundSha256();
  private long count;
  private boolean finished;

  /** Sends bytes on to the store. */
  protected abstract void send(byte[] buffer, int offset, int length) throws IOException;

  /** Makes what was sent the newest version of the key. */
  protected abstract StoredObject complete(long size, String sha256Hex) throws IOException;

  /** Throws away what was sent; must not fail loudly, it runs on error paths. */
  protected abstract void abandon();

  @Override
  public final void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public final void write(byte[] buffer, int offset, int length) throws IOException {
    if (finished) {
      throw new IOException("upload already committed or abandoned");
    }
    // Handed to the hashing thread first, so that the hash runs while the store takes the bytes.
    sha256.update(buffer, offset, length);
    send(buffer, offset, length);
    count += length;
  }

  /** Bytes written so far. */
  public final long count() {
    return count;
  }

  /** Stores the object and returns it, with its size and SHA-256. */
  public final StoredObject commit() {
    if (finished) {
      throw new IllegalStateException("upload already committed or abandoned");
    }
    finished = true;
    try {
      String hex = sha256.hex();
      sha256.close();
      return complete(count, hex);
    } catch (IOException e) {
      abandon();
      throw new ObjectStoreException("commit of an upload failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      abandon();
      throw e;
    }
  }

  /** Abandons the upload unless it was committed. */
  @Override
  public final void close() {
    sha256.close();
    if (!finished) {
      finished = true;
      abandon();
    }
  }
}
