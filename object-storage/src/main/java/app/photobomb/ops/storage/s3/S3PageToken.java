package app.photobomb.ops.storage.s3;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Where the next page of a listing starts, and which S3 listing it continues: ListObjectVersions (key and
 * version-id markers) or, on stores without versions, ListObjectsV2 (continuation token). Sent to callers as
 * URL-safe base64 of {@code V|O \n versionIdMarker \n marker}; the marker goes last as only it may hold any text.
 */
record S3PageToken(Listing listing, String marker, String versionIdMarker) {

  /** The S3 call a token continues. */
  enum Listing {
    VERSIONS, OBJECTS
  }

  S3PageToken {
    Objects.requireNonNull(listing, "listing");
    Objects.requireNonNull(marker, "marker");
  }

  static S3PageToken versions(String keyMarker, String versionIdMarker) {
    return new S3PageToken(Listing.VERSIONS, keyMarker, versionIdMarker);
  }

  static S3PageToken objects(String continuationToken) {
    return new S3PageToken(Listing.OBJECTS, continuationToken, null);
  }

  String encode() {
    String text = (listing == Listing.VERSIONS ? "V" : "O") + "\n" + (versionIdMarker == null ? "" : versionIdMarker)
        + "\n" + marker;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a token this class encoded; anything else is a caller's bug. */
  static S3PageToken decode(String token) {
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an S3 page token: " + token, e);
    }
    String[] parts = text.split("\n", 3);
    if (parts.length != 3 || parts[2].isEmpty()) {
      throw new IllegalArgumentException("not an S3 page token: " + token);
    }
    return switch (parts[0]) {
      case "V" -> versions(parts[2], parts[1].isEmpty() ? null : parts[1]);
      case "O" -> objects(parts[2]);
      default -> throw new IllegalArgumentException("not an S3 page token: " + token);
    };
  }
}
