package app.photobomb.ops.export;

import app.photobomb.ops.storage.b2.FakeB2Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** Users, photos (rows and originals in the fake B2), albums and faces for the export tests. */
final class ExportTestData {

  static final String ORIGINALS = "photobomb-originals";

  private final JdbcTemplate jdbc;
  private final FakeB2Server b2;

  ExportTestData(JdbcTemplate jdbc, FakeB2Server b2) {
    this.jdbc = jdbc;
    this.b2 = b2;
  }

  UUID user(String email) {
    UUID userId = UUID.randomUUID();
    jdbc.update("INSERT INTO users (user_id, email, display_name) VALUES (?, ?, 'Test User')", userId, email);
    return userId;
  }

  /** Photos with the given names, each with unique content of the given size; returns photo id to content. */
  Map<UUID, byte[]> photos(UUID userId, List<String> names, int size) {
    Map<UUID, byte[]> photos = new LinkedHashMap<>();
    List<Object[]> photoRows = new ArrayList<>();
    List<Object[]> fileRows = new ArrayList<>();
    Instant base = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < names.size(); i++) {
      UUID photoId = UUID.randomUUID();
      byte[] content = content(photoId, size);
      String key = "originals/" + userId + "/" + photoId + ".jpg";
      try {
        b2.seed(ORIGINALS, key, content);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      photoRows.add(new Object[] {photoId, userId, UUID.randomUUID(), names.get(i), Timestamp.from(base.plusSeconds(i))});
      fileRows.add(new Object[] {photoId, userId, key, content.length, sha256(content)});
      photos.put(photoId, content);
    }
    jdbc.batchUpdate("""
        INSERT INTO photos (photo_id, user_id, upload_id, original_filename, content_type, width, height, uploaded_at,
            metadata) VALUES (?, ?, ?, ?, 'image/jpeg', 4032, 3024, ?, '{"camera": "Pixel 8"}')""", photoRows);
    jdbc.batchUpdate("""
        INSERT INTO photo_files (photo_id, user_id, kind, provider, bucket, object_key, size_bytes, sha256)
        VALUES (?, ?, 'original', 'b2', 'photobomb-originals', ?, ?, ?)""", fileRows);
    return photos;
  }

  /** An album holding the photos in order, and a face cluster with one face on each. */
  UUID albumAndFaces(UUID userId, List<UUID> photoIds) {
    UUID album = UUID.randomUUID();
    jdbc.update("INSERT INTO albums (album_id, user_id, title) VALUES (?, ?, 'Holidays')", album, userId);
    UUID cluster = UUID.randomUUID();
    jdbc.update("INSERT INTO face_clusters (cluster_id, user_id, label) VALUES (?, ?, 'Ann')", cluster, userId);
    for (int i = 0; i < photoIds.size(); i++) {
      jdbc.update("INSERT INTO album_photos (album_id, photo_id, position) VALUES (?, ?, ?)", album, photoIds.get(i),
          i);
      jdbc.update("""
          INSERT INTO face_detections (photo_id, user_id, cluster_id, bbox, confidence)
          VALUES (?, ?, ?, '{"x": 0.1, "y": 0.2, "w": 0.3, "h": 0.3}', 0.93)""", photoIds.get(i), userId, cluster);
    }
    return album;
  }

  /** What the deletion-service's hard delete does in the database: every row of the user, the users row last. */
  void hardDelete(UUID userId) {
    jdbc.update("DELETE FROM face_detections WHERE user_id = ?", userId);
    jdbc.update("DELETE FROM face_clusters WHERE user_id = ?", userId);
    jdbc.update("DELETE FROM album_photos WHERE album_id IN (SELECT album_id FROM albums WHERE user_id = ?)", userId);
    jdbc.update("DELETE FROM albums WHERE user_id = ?", userId);
    jdbc.update("DELETE FROM photo_files WHERE user_id = ?", userId);
    jdbc.update("DELETE FROM photos WHERE user_id = ?", userId);
    jdbc.update("DELETE FROM users WHERE user_id = ?", userId);
  }

  /** Bytes no other photo has: the photo id repeated, then a counter. */
  static byte[] content(UUID photoId, int size) {
    byte[] id = photoId.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] content = new byte[size];
    for (int i = 0; i < size; i++) {
      content[i] = i < 2 ? (byte) (i == 0 ? 0xFF : 0xD8) : id[i % id.length];
    }
    return content;
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
