package app.photobomb.ops.thumbnail;

import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.common.thumbnails.ThumbnailSpec;
import app.photobomb.ops.thumbnail.queue.JobQueues;
import app.photobomb.ops.thumbnail.render.ThumbnailRenderer;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/** Seeds what the photobomb API would have: users, photos with real JPEG originals and their rows, jobs, items. */
final class WorkerFixtures {

  static final String ORIGINALS = "photobomb-originals";
  static final String THUMBNAILS = "photobomb-thumbnails";
  static final List<Integer> SIZES = List.of(256, 512, 1024);

  private final JdbcTemplate jdbc;
  private final ObjectStore store;

  WorkerFixtures(JdbcTemplate jdbc, ObjectStore store) {
    this.jdbc = jdbc;
    this.store = store;
  }

  /** A 1600 x 1200 JPEG drawn from the seed: a real photo as far as ImageIO can tell. */
  static byte[] jpeg(int seed, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setPaint(new GradientPaint(0, 0, Color.getHSBColor(seed / 17f % 1f, 0.6f, 0.9f), width, height,
          Color.getHSBColor((seed / 17f + 0.4f) % 1f, 0.5f, 0.4f)));
      g.fillRect(0, 0, width, height);
      g.setColor(Color.WHITE);
      g.fillOval(width / 4, height / 4, width / 3, height / 3);
    } finally {
      g.dispose();
    }
    try {
      return ThumbnailRenderer.encodeJpeg(image, 0.9f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  UUID user() {
    UUID userId = UUID.randomUUID();
    jdbc.update("INSERT INTO users (user_id, email) VALUES (?, ?)", userId, userId + "@example.com");
    return userId;
  }

  /** A photo of the user with the given original bytes and old thumbnails (placeholder bytes), all rows recorded. */
  UUID photo(UUID userId, byte[] original) {
    UUID photoId = UUID.randomUUID();
    jdbc.update("""
        INSERT INTO photos (photo_id, user_id, upload_id, original_filename, content_type, width, height, processed_at)
        VALUES (?, ?, ?, 'IMG.jpg', 'image/jpeg', 1600, 1200, now() - interval '3 years')""",
        photoId, userId, UUID.randomUUID());
    StoredObject stored = store.put(ORIGINALS, "originals/" + userId + "/" + photoId + ".jpg",
        new ByteArrayInputStream(original), original.length, "image/jpeg");
    file(photoId, userId, "original", stored);
    for (int size : SIZES) {
      byte[] old = ("old thumbnail " + size).getBytes();
      StoredObject thumb = store.put(THUMBNAILS, ThumbnailSpec.key(photoId, size), new ByteArrayInputStream(old),
          old.length, "image/webp");
      file(photoId, userId, ThumbnailSpec.kind(size), thumb);
    }
    return photoId;
  }

  void file(UUID photoId, UUID userId, String kind, StoredObject stored) {
    jdbc.update("""
        INSERT INTO photo_files (photo_id, user_id, kind, provider, bucket, object_key, file_id, size_bytes, sha256)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", photoId, userId, kind, stored.provider(), stored.bucket(),
        stored.key(), stored.versionId(), stored.size(), stored.sha256());
  }

  /** A queued job row of the photo; returns its id. */
  long job(String jobType, UUID photoId, String queue, int maxAttempts) {
    return jdbc.queryForObject("""
        INSERT INTO processing_jobs (upload_id, job_type, priority, idempotency_key, photo_id, queue, max_attempts)
        VALUES (?, ?, 10, ?, ?, ?, ?) RETURNING job_id""", Long.class, UUID.randomUUID(), jobType,
        jobType + ":" + photoId + ":" + UUID.randomUUID(), photoId, queue, maxAttempts);
  }

  Map<String, Object> jobRow(long jobId) {
    return jdbc.queryForMap("SELECT status, attempts, worker, last_error, result::text AS result FROM processing_jobs "
        + "WHERE job_id = ?", jobId);
  }

  String status(long jobId) {
    return jdbc.queryForObject("SELECT status FROM processing_jobs WHERE job_id = ?", String.class, jobId);
  }

  /** Every item in the processing lists of these workers on these queues. */
  static long inProcessingLists(StringRedisTemplate redis, List<String> queues, List<String> workers) {
    long items = 0;
    for (String queue : queues) {
      for (String worker : workers) {
        Long size = redis.opsForList().size(JobQueues.processingList(queue, worker));
        items += size == null ? 0 : size;
      }
    }
    return items;
  }
}
