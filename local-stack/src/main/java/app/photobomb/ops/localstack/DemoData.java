package app.photobomb.ops.localstack;

import app.photobomb.ops.localstack.DemoCatalog.AlbumSpec;
import app.photobomb.ops.localstack.DemoCatalog.ClusterSpec;
import app.photobomb.ops.localstack.DemoCatalog.FaceSpec;
import app.photobomb.ops.localstack.DemoCatalog.PhotoSpec;
import app.photobomb.ops.localstack.DemoCatalog.UserSpec;
import app.photobomb.ops.localstack.LocalObjectStore.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the demo users, photos, albums and faces of the local stack into the database and the local object store. */
public final class DemoData {

  private static final Logger log = LoggerFactory.getLogger(DemoData.class);

  // Two stack processes starting together must not both decide the data is missing; the transaction-scoped
  // advisory lock makes the second one wait and then find the users. The value spells "pbomdemo".
  private static final long LOAD_LOCK_KEY = 0x70626F6D64656D6FL;

  private static final int MAX_IMAGE_THREADS = 4;

  private DemoData() {}

  /**
   * Inserts the demo data set in one transaction and writes its image files under {@code objectStoreRoot}, unless the
   * demo users already exist, in which case nothing is written and the summary describes what is there.
   */
  public static DemoSummary load(DataSource dataSource, Path objectStoreRoot) {
    return load(dataSource, objectStoreRoot, DemoCatalog.DEFAULT_PHOTOS);
  }

  /** As {@link #load(DataSource, Path)}, with {@code photos} photos shared among the three demo users. */
  public static DemoSummary load(DataSource dataSource, Path objectStoreRoot, int photos) {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(objectStoreRoot, "objectStoreRoot");
    List<UserSpec> users = DemoCatalog.users(photos);
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        DemoSummary summary = loadInTransaction(connection, users, new LocalObjectStore(objectStoreRoot));
        connection.commit();
        return summary;
      } catch (SQLException | RuntimeException e) {
        try {
          connection.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      } finally {
        restoreAutoCommit(connection, autoCommit);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not load the demo data", e);
    }
  }

  /** The demo users still in the database (a hard-deleted one is gone), without loading anything. */
  public static DemoSummary present(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      return new DemoSummary(existingUsers(connection, DemoCatalog.users(DemoCatalog.USER_COUNT)), false);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the demo data", e);
    }
  }

  // A pooled connection must go back as it came, but a failure here must not hide the exception that got us here.
  private static void restoreAutoCommit(Connection connection, boolean autoCommit) {
    try {
      connection.setAutoCommit(autoCommit);
    } catch (SQLException e) {
      log.warn("Could not restore auto-commit on the demo data connection", e);
    }
  }

  private static DemoSummary loadInTransaction(Connection connection, List<UserSpec> users, LocalObjectStore store)
      throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      lock.setLong(1, LOAD_LOCK_KEY);
      lock.execute();
    }

    List<DemoSummary.DemoUser> existing = existingUsers(connection, users);
    if (!existing.isEmpty()) {
      if (existing.size() < users.size()) {
        log.warn("Only {} of the {} demo users exist; leaving the database as it is", existing.size(), users.size());
      } else {
        log.info("Demo data already present ({} users); nothing to load", existing.size());
      }
      return new DemoSummary(existing, false);
    }

    long started = System.nanoTime();
    Map<UUID, List<StoredObject>> objects = storeImages(users, store);
    long imagesMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    insert(connection, users, objects);

    long bytes = objects.values().stream().flatMap(List::stream).mapToLong(StoredObject::sizeBytes).sum();
    log.info("Loaded demo data: {} users, {} photos, {} objects ({} KiB, images in {} ms) under {}",
        users.size(), objects.size(), objects.values().stream().mapToInt(List::size).sum(), bytes / 1024,
        imagesMillis, store.root());
    List<DemoSummary.DemoUser> created = users.stream()
        .map(user -> new DemoSummary.DemoUser(user.userId(), user.email(), user.photos().size()))
        .toList();
    return new DemoSummary(created, true);
  }

  private static List<DemoSummary.DemoUser> existingUsers(Connection connection, List<UserSpec> users)
      throws SQLException {
    List<DemoSummary.DemoUser> existing = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT u.user_id, (SELECT count(*) FROM photos p WHERE p.user_id = u.user_id) FROM users u WHERE u.email = ?")) {
      for (UserSpec user : users) {
        query.setString(1, user.email());
        try (ResultSet row = query.executeQuery()) {
          if (row.next()) {
            existing.add(new DemoSummary.DemoUser(row.getObject(1, UUID.class), user.email(), row.getInt(2)));
          }
        }
      }
    }
    return existing;
  }

  /** Draws and stores every photo's files in parallel, since encoding dominates the load time. */
  private static Map<UUID, List<StoredObject>> storeImages(List<UserSpec> users, LocalObjectStore store) {
    int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), MAX_IMAGE_THREADS));
    ExecutorService pool = Executors.newFixedThreadPool(threads, imageThreads());
    try {
      Map<UUID, Future<List<StoredObject>>> pending = new LinkedHashMap<>();
      for (UserSpec user : users) {
        for (PhotoSpec photo : user.photos()) {
          pending.put(photo.photoId(), pool.submit(() -> DemoImages.store(store, user.userId(), photo)));
        }
      }
      Map<UUID, List<StoredObject>> stored = new LinkedHashMap<>();
      for (Map.Entry<UUID, Future<List<StoredObject>>> entry : pending.entrySet()) {
        stored.put(entry.getKey(), await(entry.getValue()));
      }
      return stored;
    } finally {
      pool.shutdownNow();
    }
  }

  private static ThreadFactory imageThreads() {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "demo-images-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while writing the demo images", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw new UncheckedIOException("Could not write a demo image", io);
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("Could not write a demo image", cause);
    }
  }

  private static void insert(Connection connection, List<UserSpec> users, Map<UUID, List<StoredObject>> objects)
      throws SQLException {
    try (PreparedStatement userRows = connection.prepareStatement(
            "INSERT INTO users (user_id, email, display_name, created_at) VALUES (?, ?, ?, ?)");
        PreparedStatement photoRows = connection.prepareStatement(
            "INSERT INTO photos (photo_id, user_id, upload_id, original_filename, content_type, width, height,"
                + " taken_at, uploaded_at, processed_at, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)");
        PreparedStatement fileRows = connection.prepareStatement(
            "INSERT INTO photo_files (photo_id, user_id, kind, provider, bucket, object_key, file_id, size_bytes,"
                + " sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement albumRows = connection.prepareStatement(
            "INSERT INTO albums (album_id, user_id, title, description, created_at) VALUES (?, ?, ?, ?, ?)");
        PreparedStatement albumPhotoRows = connection.prepareStatement(
            "INSERT INTO album_photos (album_id, photo_id, position, added_at) VALUES (?, ?, ?, ?)");
        PreparedStatement clusterRows = connection.prepareStatement(
            "INSERT INTO face_clusters (cluster_id, user_id, label, created_at) VALUES (?, ?, ?, ?)");
        PreparedStatement detectionRows = connection.prepareStatement(
            "INSERT INTO face_detections (photo_id, user_id, cluster_id, bbox, confidence, created_at)"
                + " VALUES (?, ?, ?, ?::jsonb, ?, ?)")) {
      for (UserSpec user : users) {
        userRows.setObject(1, user.userId());
        userRows.setString(2, user.email());
        userRows.setString(3, user.displayName());
        userRows.setObject(4, timestamp(user.createdAt()));
        userRows.addBatch();

        for (PhotoSpec photo : user.photos()) {
          addPhoto(photoRows, user, photo);
          for (StoredObject object : objects.get(photo.photoId())) {
            addFile(fileRows, user, photo, object);
          }
        }

        // The clusterer runs after the last photo of a batch is processed, so clusters are newer than the photos.
        Instant clustered = user.photos().stream().map(PhotoSpec::processedAt).max(Instant::compareTo).orElseThrow()
            .plus(Duration.ofMinutes(10));
        for (ClusterSpec cluster : user.clusters()) {
          clusterRows.setObject(1, cluster.clusterId());
          clusterRows.setObject(2, user.userId());
          clusterRows.setString(3, cluster.label());
          clusterRows.setObject(4, timestamp(clustered));
          clusterRows.addBatch();
        }
        for (PhotoSpec photo : user.photos()) {
          for (FaceSpec face : photo.faces()) {
            addDetection(detectionRows, user, photo, face);
          }
        }

        for (AlbumSpec album : user.albums()) {
          addAlbum(albumRows, albumPhotoRows, user, album);
        }
      }

      // Parents before children, so every foreign key already has its row when a batch runs.
      userRows.executeBatch();
      photoRows.executeBatch();
      fileRows.executeBatch();
      clusterRows.executeBatch();
      detectionRows.executeBatch();
      albumRows.executeBatch();
      albumPhotoRows.executeBatch();
    }
  }

  private static void addPhoto(PreparedStatement rows, UserSpec user, PhotoSpec photo) throws SQLException {
    rows.setObject(1, photo.photoId());
    rows.setObject(2, user.userId());
    rows.setObject(3, photo.uploadId());
    rows.setString(4, photo.originalFilename());
    rows.setString(5, "image/jpeg");
    rows.setInt(6, photo.width());
    rows.setInt(7, photo.height());
    rows.setObject(8, timestamp(photo.takenAt()));
    rows.setObject(9, timestamp(photo.uploadedAt()));
    rows.setObject(10, timestamp(photo.processedAt()));
    rows.setString(11, photo.metadataJson());
    rows.addBatch();
  }

  private static void addFile(PreparedStatement rows, UserSpec user, PhotoSpec photo, StoredObject object)
      throws SQLException {
    rows.setObject(1, photo.photoId());
    rows.setObject(2, user.userId());
    rows.setString(3, object.kind());
    rows.setString(4, LocalObjectStore.PROVIDER);
    rows.setString(5, object.bucket());
    rows.setString(6, object.objectKey());
    rows.setString(7, object.fileId());
    rows.setLong(8, object.sizeBytes());
    rows.setString(9, object.sha256());
    rows.setObject(10, timestamp(photo.processedAt()));
    rows.addBatch();
  }

  private static void addDetection(PreparedStatement rows, UserSpec user, PhotoSpec photo, FaceSpec face)
      throws SQLException {
    rows.setObject(1, photo.photoId());
    rows.setObject(2, user.userId());
    if (face.clusterId() == null) {
      rows.setNull(3, Types.OTHER);
    } else {
      rows.setObject(3, face.clusterId());
    }
    rows.setString(4, face.bboxJson());
    rows.setFloat(5, face.confidence());
    rows.setObject(6, timestamp(photo.processedAt()));
    rows.addBatch();
  }

  private static void addAlbum(PreparedStatement albumRows, PreparedStatement albumPhotoRows, UserSpec user,
      AlbumSpec album) throws SQLException {
    albumRows.setObject(1, album.albumId());
    albumRows.setObject(2, user.userId());
    albumRows.setString(3, album.title());
    if (album.description() == null) {
      albumRows.setNull(4, Types.VARCHAR);
    } else {
      albumRows.setString(4, album.description());
    }
    albumRows.setObject(5, timestamp(album.createdAt()));
    albumRows.addBatch();

    for (int position = 0; position < album.photoIds().size(); position++) {
      albumPhotoRows.setObject(1, album.albumId());
      albumPhotoRows.setObject(2, album.photoIds().get(position));
      albumPhotoRows.setInt(3, position);
      albumPhotoRows.setObject(4, timestamp(album.createdAt()));
      albumPhotoRows.addBatch();
    }
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
