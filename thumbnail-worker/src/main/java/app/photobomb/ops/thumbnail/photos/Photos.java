package app.photobomb.ops.thumbnail.photos;

import app.photobomb.ops.common.database.AccountLocks;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** The worker's reads and writes of photos and photo_files (deploy/database/photobomb-grants.sql lists them). */
public final class Photos {

  /** Why a photo's job is skipped, not failed, when the photo or its owner went away. */
  public static final String DELETED = "photo_deleted";

  private static final String LIVE = """
      SELECT p.photo_id, p.user_id, p.content_type FROM photos p JOIN users u ON u.user_id = p.user_id
       WHERE p.photo_id = ? AND u.deleted_at IS NULL""";
  private static final String FILES = """
      SELECT photo_file_id, kind, provider, bucket, object_key, file_id, size_bytes, sha256 FROM photo_files
       WHERE photo_id = ? ORDER BY photo_file_id""";
  private static final String UPSERT_FILE = """
      INSERT INTO photo_files (photo_id, user_id, kind, provider, bucket, object_key, file_id, size_bytes, sha256)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (photo_id, kind) DO UPDATE SET provider = EXCLUDED.provider, bucket = EXCLUDED.bucket,
             object_key = EXCLUDED.object_key, file_id = EXCLUDED.file_id, size_bytes = EXCLUDED.size_bytes,
             sha256 = EXCLUDED.sha256""";
  // Only a row still where the copy was made from is switched: a concurrent change fails the attempt.
  private static final String SWITCH_PROVIDER = """
      UPDATE photo_files SET provider = ?, file_id = ?, sha256 = ?
       WHERE photo_file_id = ? AND provider = ? AND file_id IS NOT DISTINCT FROM ?""";
  private static final RowMapper<PhotoFile> FILE = (rs, row) -> new PhotoFile(rs.getLong("photo_file_id"),
      rs.getString("kind"), rs.getString("provider"), rs.getString("bucket"), rs.getString("object_key"),
      rs.getString("file_id"), rs.getLong("size_bytes"), rs.getString("sha256"));

  private final JdbcTemplate jdbc;

  public Photos(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** The photo if it and its owner are still there; empty once either is deleted. */
  public Optional<LivePhoto> live(UUID photoId) {
    return jdbc.query(LIVE, (rs, row) -> new LivePhoto(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
        rs.getString(3)), photoId).stream().findFirst();
  }

  /**
   * In the finishing transaction: waits out a hard delete of the owner in flight (the account lock, shared) and
   * says whether the photo is still live, so that nothing is written for a deleted photo.
   */
  public boolean lockLive(LivePhoto photo) {
    AccountLocks.shared(jdbc, photo.userId());
    return live(photo.photoId()).isPresent();
  }

  public List<PhotoFile> files(UUID photoId) {
    return jdbc.query(FILES, FILE, photoId);
  }

  /** The rows of these kinds, locked until the transaction ends. */
  public List<PhotoFile> lockFiles(UUID photoId, List<String> kinds) {
    return jdbc.query("SELECT photo_file_id, kind, provider, bucket, object_key, file_id, size_bytes, sha256 "
        + "FROM photo_files WHERE photo_id = ? AND kind = ANY (?) FOR UPDATE", FILE, photoId,
        kinds.toArray(String[]::new));
  }

  public void upsertFile(LivePhoto photo, String kind, String provider, String bucket, String key, String fileId,
      long size, String sha256) {
    jdbc.update(UPSERT_FILE, photo.photoId(), photo.userId(), kind, provider, bucket, key, fileId, size, sha256);
  }

  /** Points a row at its copy in another store; {@code false} when the row changed since it was read. */
  public boolean switchProvider(PhotoFile from, String provider, String fileId, String sha256) {
    return jdbc.update(SWITCH_PROVIDER, provider, fileId, sha256, from.photoFileId(), from.provider(),
        from.fileId()) == 1;
  }

  public void markProcessed(UUID photoId) {
    jdbc.update("UPDATE photos SET processed_at = now() WHERE photo_id = ?", photoId);
  }
}
