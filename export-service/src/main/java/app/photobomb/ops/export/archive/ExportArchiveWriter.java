package app.photobomb.ops.export.archive;

import app.photobomb.ops.common.storage.BackgroundSha256;
import app.photobomb.ops.common.storage.ObjectNotFoundException;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.export.config.ExportProperties;
import app.photobomb.ops.storage.config.ObjectStorageAutoConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes one user's export archive (format 1, see the service README) to a stream: {@code photos/} with every
 * original, copied from the originals store as it is read (stored, not deflated: photos are compressed already),
 * then {@code metadata.json} (profile, photos with their metadata, faces and albums, albums, face clusters), a
 * {@code README.txt}, and {@code manifest.sha256} listing every other file's SHA-256 in {@code sha256sum -c}
 * form. Rows are read through cursors; run it in a read-only repeatable-read transaction, so that the photos and
 * the metadata come from one snapshot. Only a name, size and hash per photo stay in memory.
 */
@Component
public class ExportArchiveWriter {

  /** Version of the archive's layout and of metadata.json, written into metadata.json. */
  public static final int FORMAT_VERSION = 1;
  private static final int FETCH_SIZE = 500;
  /** Large enough that a read passes through the ZIP writer's and the upload's buffers without a copy. */
  private static final int COPY_BUFFER = 1024 * 1024;

  private final JdbcTemplate cursor;
  private final ObjectStore originals;
  private final Clock clock;
  private final JsonMapper json = JsonMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();
  private final long recordsInMemory;

  public ExportArchiveWriter(JdbcTemplate jdbc, @Qualifier(ObjectStorageAutoConfiguration.ORIGINALS)
      ObjectStore originals, Clock clock, ExportProperties properties) {
    this.recordsInMemory = properties.recordsInMemory().toBytes();
    this.cursor = new JdbcTemplate(jdbc.getDataSource());
    this.cursor.setFetchSize(FETCH_SIZE);
    this.originals = originals;
    this.clock = clock;
  }

  /** Writes the archive; {@link ExportFailure} when the user is gone or an original is missing. */
  public ArchiveSummary write(UUID exportId, UUID userId, OutputStream out, ExportProgress progress) {
    String profile = cursor.query("""
        SELECT jsonb_build_object('userId', user_id, 'email', email, 'displayName', display_name,
            'createdAt', created_at, 'deletedAt', deleted_at)::text FROM users WHERE user_id = ?""",
        (row, i) -> row.getString(1), userId).stream().findFirst()
        .orElseThrow(() -> new ExportFailure("unknown_user"));
    long total = cursor.queryForObject("SELECT count(*) FROM photos WHERE user_id = ?", Long.class, userId);
    try (StreamingZipWriter zip = new StreamingZipWriter(out, records());
        SpillingRecords photos = records()) {
      long photoBytes = writePhotos(zip, photos, userId, total, progress);
      List<ArchivedFile> others = new ArrayList<>();
      others.add(writeEntry(zip, "metadata.json",
          entry -> writeMetadata(entry, exportId, userId, profile, photos, progress)));
      others.add(writeEntry(zip, "README.txt", entry -> entry.write(readme().getBytes(StandardCharsets.UTF_8))));
      writeEntry(zip, "manifest.sha256", entry -> writeManifest(entry, photos, others));
      zip.finish();
      return new ArchiveSummary(photos.count(), photoBytes);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the archive failed", e);
    }
  }

  private SpillingRecords records() {
    return new SpillingRecords(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")), recordsInMemory);
  }

  /** Writes every original under photos/ and keeps each one's name, size and hash; returns their bytes. */
  private long writePhotos(StreamingZipWriter zip, SpillingRecords photos, UUID userId, long total,
      ExportProgress progress) {
    ArchiveNames names = new ArchiveNames("photos/");
    try (PhotoCopier copier = new PhotoCopier(zip, photos, progress)) {
      cursor.query("""
          SELECT p.photo_id, p.original_filename, p.content_type, p.uploaded_at, f.bucket, f.object_key
          FROM photos p LEFT JOIN photo_files f ON f.photo_id = p.photo_id AND f.kind = 'original'
              AND f.provider <> 'pending'
          WHERE p.user_id = ? ORDER BY p.uploaded_at, p.photo_id""", row -> {
            UUID photoId = row.getObject(1, UUID.class);
            if (row.getString(5) == null) {
              throw new ExportFailure("original_missing: photo " + photoId + " has no stored original yet; "
                  + "retry the export once its upload has finished");
            }
            String name = names.next(row.getString(2), row.getString(3), photoId);
            copier.copy(photoId, name, row.getTimestamp(4).toInstant(), row.getString(5), row.getString(6));
            progress.photoWritten(copier.photos(), total, copier.bytes());
          }, userId);
      copier.keepHashed(true);
      return copier.bytes();
    }
  }

  /**
   * Copies originals into STORED entries, hashing them on a second thread while the next bytes are read; the
   * copy goes on to the next photo without waiting for a hash, and each photo is kept, in order, once its hash
   * is known.
   */
  private final class PhotoCopier implements AutoCloseable {

    private final StreamingZipWriter zip;
    private final SpillingRecords kept;
    private final ExportProgress progress;
    private final byte[] buffer = new byte[COPY_BUFFER];
    private final BackgroundSha256 sha256 = new BackgroundSha256();
    private final Deque<HashingFile> hashing = new ArrayDeque<>();
    private long photos;
    private long bytes;

    PhotoCopier(StreamingZipWriter zip, SpillingRecords kept, ExportProgress progress) {
      this.zip = zip;
      this.kept = kept;
      this.progress = progress;
    }

    void copy(UUID photoId, String name, Instant modified, String bucket, String key) {
      long copied = 0;
      try (InputStream in = originals.get(bucket, key)) {
        OutputStream entry = zip.startEntry(name, StreamingZipWriter.Method.STORED, modified);
        for (int n; (n = in.read(buffer)) > 0; ) {
          sha256.update(buffer, 0, n);
          entry.write(buffer, 0, n);
          copied += n;
          progress.stillWorking();
        }
        zip.closeEntry();
      } catch (ObjectNotFoundException e) {
        throw new ExportFailure("original_missing: photo " + photoId + " is not in " + bucket + "/" + key
            + "; restore it (or remove the photo) and ask again");
      } catch (IOException e) {
        throw new UncheckedIOException("copying " + bucket + "/" + key + " into the archive failed", e);
      }
      bytes += copied;
      photos++;
      hashing.add(new HashingFile(photoId, name, copied, sha256.digest()));
      keepHashed(false);
    }

    /** Keeps the photos whose hash is known, in their order; with {@code all}, waits for every hash. */
    void keepHashed(boolean all) {
      while (!hashing.isEmpty() && (all || hashing.peek().sha256().isDone())) {
        HashingFile file = hashing.poll();
        kept.add(new ArchivedFile(file.photoId(), file.name(), file.bytes(), file.sha256().join()).toRecord());
      }
    }

    long photos() {
      return photos;
    }

    long bytes() {
      return bytes;
    }

    @Override
    public void close() {
      sha256.close();
    }
  }

  private ArchivedFile writeEntry(StreamingZipWriter zip, String name, EntryContent content) {
    MessageDigest sha256 = sha256();
    try {
      content.writeTo(new DigestOutputStream(
          zip.startEntry(name, StreamingZipWriter.Method.DEFLATED, clock.instant()), sha256));
      long size = zip.closeEntry();
      return new ArchivedFile(null, name, size, HexFormat.of().formatHex(sha256.digest()));
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + name + " into the archive failed", e);
    }
  }

  private void writeMetadata(OutputStream entry, UUID exportId, UUID userId, String profile,
      SpillingRecords photos, ExportProgress progress) throws IOException {
    try (JsonGenerator out = json.createGenerator(entry); SpillingRecords.Reader files = photos.reader()) {
      out.writeStartObject();
      out.writeStringProperty("format", "photobomb-export");
      out.writeNumberProperty("formatVersion", FORMAT_VERSION);
      out.writeStringProperty("exportId", exportId.toString());
      out.writeStringProperty("generatedAt", clock.instant().toString());
      out.writeName("user");
      out.writeRawValue(profile);
      out.writeName("photos");
      out.writeStartArray();
      cursor.query("""
          SELECT p.photo_id, jsonb_build_object('photoId', p.photo_id, 'originalFilename', p.original_filename,
              'contentType', p.content_type, 'width', p.width, 'height', p.height, 'takenAt', p.taken_at,
              'uploadedAt', p.uploaded_at, 'processedAt', p.processed_at, 'metadata', p.metadata,
              'albumIds', coalesce((SELECT jsonb_agg(ap.album_id ORDER BY ap.album_id) FROM album_photos ap
                  JOIN albums a ON a.album_id = ap.album_id AND a.user_id = p.user_id
                  WHERE ap.photo_id = p.photo_id), '[]'::jsonb),
              'faces', coalesce((SELECT jsonb_agg(jsonb_build_object('clusterId', d.cluster_id,
                  'boundingBox', d.bbox, 'confidence', d.confidence, 'detectedAt', d.created_at)
                  ORDER BY d.detection_id) FROM face_detections d
                  WHERE d.photo_id = p.photo_id AND d.user_id = p.user_id), '[]'::jsonb))::text
          FROM photos p WHERE p.user_id = ? ORDER BY p.uploaded_at, p.photo_id""", row -> {
            ObjectNode photo = (ObjectNode) json.readTree(row.getString(2));
            // Same order, same snapshot as the photos pass: the next kept record is this photo's.
            ArchivedFile file = next(files);
            if (file == null || !file.photoId().equals(row.getObject(1, UUID.class))) {
              throw new IllegalStateException("the photos changed between the two passes of one snapshot");
            }
            photo.putObject("file").put("path", file.name()).put("bytes", file.bytes()).put("sha256", file.sha256());
            out.writeTree(photo);
            progress.stillWorking();
          }, userId);
      out.writeEndArray();
      if (next(files) != null) {
        throw new IllegalStateException("a photo of the archive is missing from the metadata pass");
      }
      writeRawArray(out, "albums", """
          SELECT jsonb_build_object('albumId', a.album_id, 'title', a.title, 'description', a.description,
              'createdAt', a.created_at, 'photoIds', coalesce((SELECT jsonb_agg(ap.photo_id
                  ORDER BY ap.position, ap.added_at) FROM album_photos ap
                  JOIN photos p ON p.photo_id = ap.photo_id AND p.user_id = a.user_id
                  WHERE ap.album_id = a.album_id), '[]'::jsonb))::text
          FROM albums a WHERE a.user_id = ? ORDER BY a.created_at, a.album_id""", userId);
      writeRawArray(out, "faceClusters", """
          SELECT jsonb_build_object('clusterId', c.cluster_id, 'label', c.label, 'createdAt', c.created_at,
              'detections', (SELECT count(*) FROM face_detections d
                  WHERE d.cluster_id = c.cluster_id AND d.user_id = c.user_id))::text
          FROM face_clusters c WHERE c.user_id = ? ORDER BY c.created_at, c.cluster_id""", userId);
      out.writeEndObject();
    }
  }

  private void writeRawArray(JsonGenerator out, String name, String sql, UUID userId) {
    out.writeName(name);
    out.writeStartArray();
    cursor.query(sql, row -> {
      out.writeRawValue(row.getString(1));
    }, userId);
    out.writeEndArray();
  }

  private static void writeManifest(OutputStream entry, SpillingRecords photos, List<ArchivedFile> others)
      throws IOException {
    photos.forEach(record -> writeManifestLine(entry, ArchivedFile.fromRecord(record)));
    for (ArchivedFile file : others) {
      writeManifestLine(entry, file);
    }
  }

  private static void writeManifestLine(OutputStream entry, ArchivedFile file) throws IOException {
    entry.write((file.sha256() + "  " + file.name() + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static ArchivedFile next(SpillingRecords.Reader files) {
    try {
      byte[] record = files.next();
      return record == null ? null : ArchivedFile.fromRecord(record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readme() {
    return """
        photobomb data export (format %d)

        photos/          every photo you uploaded, as the original file (names made safe and unique;
                         metadata.json gives each photo's original name)
        metadata.json    your profile, every photo with its metadata, faces and albums, your albums with
                         their photos in order, and your face clusters (JSON, UTF-8)
        manifest.sha256  the SHA-256 of every other file; check them with: sha256sum -c manifest.sha256
        """.formatted(FORMAT_VERSION);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** A photo copied into the archive whose SHA-256 is still being computed. */
  private record HashingFile(UUID photoId, String name, long bytes, CompletableFuture<String> sha256) {}

  /** A file in the archive: the photo it holds (none for metadata.json and README.txt), name, size, SHA-256. */
  private record ArchivedFile(UUID photoId, String name, long bytes, String sha256) {

    byte[] toRecord() {
      return SpillingRecords.record(out -> {
        out.writeLong(photoId.getMostSignificantBits());
        out.writeLong(photoId.getLeastSignificantBits());
        out.writeLong(bytes);
        out.write(HexFormat.of().parseHex(sha256));
        out.writeUTF(name);
      });
    }

    static ArchivedFile fromRecord(byte[] record) throws IOException {
      java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(record));
      UUID photoId = new UUID(in.readLong(), in.readLong());
      long bytes = in.readLong();
      byte[] sha256 = new byte[32];
      in.readFully(sha256);
      return new ArchivedFile(photoId, in.readUTF(), bytes, HexFormat.of().formatHex(sha256));
    }
  }

  @FunctionalInterface
  private interface EntryContent {
    void writeTo(OutputStream entry) throws IOException;
  }
}
