package app.photobomb.ops.storage.local;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs and checks expiring download links of the local store with HMAC-SHA256 over bucket, key and expiry. */
public final class LocalLinkSigner {

  private final byte[] secret;
  private final Clock clock;

  public LocalLinkSigner(byte[] secret, Clock clock) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("the link signing secret needs at least 16 bytes");
    }
    this.secret = secret.clone();
    this.clock = clock;
  }

  /** {@code <baseUrl>/objects/<bucket>/<key>?expires=<epoch seconds>&signature=<hex>}. */
  public URI sign(String baseUrl, String bucket, String key, Instant expires) {
    long expiresAt = expires.getEpochSecond();
    String path = "/objects/" + encode(bucket) + "/" + encodePath(key);
    return URI.create(baseUrl.replaceAll("/$", "") + path + "?expires=" + expiresAt + "&signature="
        + signature(bucket, key, expiresAt));
  }

  /** Whether a presented signature is valid for the object and not expired. */
  public boolean isValid(String bucket, String key, long expiresAt, String presented) {
    if (presented == null || clock.instant().getEpochSecond() > expiresAt) {
      return false;
    }
    return MessageDigest.isEqual(signature(bucket, key, expiresAt).getBytes(StandardCharsets.US_ASCII),
        presented.getBytes(StandardCharsets.US_ASCII));
  }

  private String signature(String bucket, String key, long expiresAt) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] digest = mac.doFinal((bucket + "\n" + key + "\n" + expiresAt).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  private static String encodePath(String key) {
    StringBuilder path = new StringBuilder();
    for (String segment : key.split("/")) {
      if (!path.isEmpty()) {
        path.append('/');
      }
      path.append(encode(segment));
    }
    return path.toString();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
