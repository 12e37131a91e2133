package app.photobomb.ops.storage.b2;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where the next page of a B2 version listing starts: B2's {@code startFileName} and {@code startFileId}, sent to
 * callers as URL-safe base64 of {@code name\nid} (B2 file names have no control characters).
 */
record VersionPageToken(String fileName, String fileId) {

  String encode() {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((fileName + "\n" + fileId).getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a token of a listing under {@code prefix}; anything else is a caller's bug. */
  static VersionPageToken decode(String token, String prefix) {
    String decoded;
    try {
      decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a B2 page token: " + token, e);
    }
    int newline = decoded.indexOf('\n');
    if (newline <= 0 || newline == decoded.length() - 1 || !decoded.startsWith(prefix)) {
      throw new IllegalArgumentException("not a page token of a listing under '" + prefix + "': " + token);
    }
    return new VersionPageToken(decoded.substring(0, newline), decoded.substring(newline + 1));
  }
}
