package app.photobomb.ops.faults;

import app.photobomb.ops.storage.b2.FakeB2Server;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import javax.imageio.ImageIO;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Seeds accounts as the photobomb API leaves them: a users row, photos with their photo_files rows, and the stored
 * objects (an original JPEG in the originals bucket, a 256 px thumbnail in the thumbnails bucket) in B2.
 */
final class Accounts {

  private static final int PHOTO_BYTES = 48 * 1024;
  private static final int PHOTO_SIDE = 320;

  private final JdbcTemplate jdbc;
  private final FakeB2Server b2;
  private final Random random;

  Accounts(DataSource admin, FakeB2Server b2, long seed) {
    this.jdbc = new JdbcTemplate(admin);
    this.b2 = b2;
    this.random = new Random(seed);
  }

  /** One account with {@code photos} photos; returns what was stored, to check against later. */
  SeededAccount seed(int photos) {
    UUID userId = UUID.randomUUID();
    jdbc.update("INSERT INTO users (user_id, email, display_name) VALUES (?, ?, ?)", userId,
        userId + "@faults.example.com", "fault suite");
    List<SeededAccount.Photo> seeded = new ArrayList<>();
    for (int i = 0; i < photos; i++) {
      UUID photoId = UUID.randomUUID();
      byte[] original = jpeg();
      String originalKey = "originals/" + userId + "/" + photoId + ".jpg";
      String thumbnailKey = "thumbs/" + photoId + "/256.webp";
      write(SuiteServers.ORIGINALS, originalKey, original);
      write(SuiteServers.THUMBNAILS, thumbnailKey, bytes());
      jdbc.update("""
          INSERT INTO photos (photo_id, user_id, upload_id, original_filename, content_type, uploaded_at)
          VALUES (?, ?, ?, ?, 'image/jpeg', ?)""", photoId, userId, UUID.randomUUID(), "IMG_" + i + ".jpg",
          Timestamp.from(Instant.now().minusSeconds(photos - i)));
      jdbc.update("""
          INSERT INTO photo_files (photo_id, user_id, kind, provider, bucket, object_key, size_bytes)
          VALUES (?, ?, 'original', 'b2', ?, ?, ?), (?, ?, 'thumb_256', 'b2', ?, ?, ?)""",
          photoId, userId, SuiteServers.ORIGINALS, originalKey, original.length,
          photoId, userId, SuiteServers.THUMBNAILS, thumbnailKey, PHOTO_BYTES);
      seeded.add(new SeededAccount.Photo(photoId, originalKey, thumbnailKey, sha256(original)));
    }
    return new SeededAccount(userId, seeded);
  }

  /** A small photo the worker can decode: noise, so that no two are alike. */
  private byte[] jpeg() {
    BufferedImage image = new BufferedImage(PHOTO_SIDE, PHOTO_SIDE * 3 / 4, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpg", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private byte[] bytes() {
    byte[] bytes = new byte[PHOTO_BYTES];
    random.nextBytes(bytes);
    return bytes;
  }

  private void write(String bucket, String key, byte[] content) {
    try {
      b2.seed(bucket, key, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot seed " + bucket + "/" + key, e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
