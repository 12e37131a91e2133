package app.photobomb.ops.common.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Content to store that can be opened more than once, so that a failed write can be sent elsewhere. */
public interface ObjectContent {

  long size();

  String contentType();

  /** Opens a fresh stream over the whole content; the caller closes it. */
  InputStream open() throws IOException;

  static ObjectContent ofFile(Path file, String contentType) throws IOException {
    long size = Files.size(file);
    return new ObjectContent() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public String contentType() {
        return contentType;
      }

      @Override
      public InputStream open() throws IOException {
        return Files.newInputStream(file);
      }
    };
  }

  /** Small content already in memory (thumbnails, manifests). */
  static ObjectContent ofBytes(byte[] bytes, String contentType) {
    return new ObjectContent() {
      @Override
      public long size() {
        return bytes.length;
      }

      @Override
      public String contentType() {
        return contentType;
      }

      @Override
      public InputStream open() {
        return new ByteArrayInputStream(bytes);
      }
    };
  }
}
