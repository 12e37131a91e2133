package app.photobomb.ops.localstack;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * The fixed content of the demo data set. Every id is a name-based UUID and every random choice comes from a seed
 * derived from such an id, so each run describes exactly the same users, photos, albums and faces.
 */
final class DemoCatalog {

  static final int LONG_SIDE = 1280;
  static final int SHORT_SIDE = 960;

  private static final Instant FIRST_SHOT = Instant.parse("2024-05-04T09:15:00Z");
  private static final Instant ACCOUNTS_OPENED = Instant.parse("2024-01-15T08:00:00Z");

  // Detections below this score are what a real clusterer leaves unassigned, so the demo has some of those too.
  private static final float CLUSTER_THRESHOLD = 0.85f;

  /** The demo's size unless {@code --demo-photos} says otherwise: enough to watch a reprocess batch take a while. */
  static final int DEFAULT_PHOTOS = 200;

  /** Three users, each with the places its photos are taken at (used in turn), its albums and its people. */
  private static final List<UserDraft> USERS = List.of(
      new UserDraft("alice@example.com", "Alice Andersen",
          List.of(
              new Scene("Lisbon", 38.7223, -9.1393, "Fujifilm X-T4", 2),
              new Scene("Lisbon", 38.6916, -9.2160, "Fujifilm X-T4", 1),
              new Scene("Sintra", 38.7876, -9.3905, "Fujifilm X-T4", 0),
              new Scene("Porto", 41.1579, -8.6291, "Apple iPhone 15 Pro", 3),
              new Scene("Porto", 41.1408, -8.6110, "Apple iPhone 15 Pro", 1)),
          List.of(
              new AlbumDraft("Lisbon weekend", "Trams, tiles and pasteis de nata", List.of(0, 1, 2)),
              new AlbumDraft("Best of 2024", null, List.of(1, 3, 4))),
          List.of("Alice", "Marco")),
      new UserDraft("bob@example.com", "Bob Brown",
          List.of(
              new Scene("Zermatt", 46.0207, 7.7491, "Sony A7 IV", 1),
              new Scene("Gornergrat", 45.9833, 7.7845, "Sony A7 IV", 0),
              new Scene("Riffelsee", 45.9925, 7.7644, "Sony A7 IV", 2),
              new Scene("Zermatt", 46.0240, 7.7470, "Google Pixel 8", 1)),
          List.of(new AlbumDraft("Hiking the Alps", "Four days around the Matterhorn", List.of(0, 1, 2, 3))),
          List.of("Bob")),
      new UserDraft("carol@example.com", "Carol Chen",
          List.of(
              new Scene("Vancouver", 49.2827, -123.1207, "Canon EOS R6", 3),
              new Scene("Vancouver", 49.3043, -123.1443, "Canon EOS R6", 2),
              new Scene("Richmond", 49.1666, -123.1336, "Canon EOS R6", 1),
              new Scene("Whistler", 50.1163, -122.9574, "Samsung Galaxy S24", 2),
              new Scene("Granville Island", 49.2713, -123.1340, "Samsung Galaxy S24", 0),
              new Scene("Chinatown", 49.2797, -123.1003, "Samsung Galaxy S24", 0)),
          List.of(
              new AlbumDraft("Family", "Sunday lunches and birthdays", List.of(0, 1, 2, 3)),
              new AlbumDraft("Food", null, List.of(4, 5))),
          List.of("Carol", "Grandma")));

  static final int USER_COUNT = USERS.size();

  private DemoCatalog() {}

  /** The demo users with {@link #DEFAULT_PHOTOS} photos between them. */
  static List<UserSpec> users() {
    return users(DEFAULT_PHOTOS);
  }

  /** The demo users with {@code photos} photos between them, shared as evenly as possible (each has one at least). */
  static List<UserSpec> users(int photos) {
    if (photos < USERS.size()) {
      throw new IllegalArgumentException("the demo needs at least " + USERS.size() + " photos, one per user");
    }
    List<UserSpec> users = new ArrayList<>();
    for (int index = 0; index < USERS.size(); index++) {
      int count = photos / USERS.size() + (index < photos % USERS.size() ? 1 : 0);
      users.add(user(index, USERS.get(index), count));
    }
    return List.copyOf(users);
  }

  static UUID id(String... parts) {
    return UUID.nameUUIDFromBytes(("photobomb-demo/" + String.join("/", parts)).getBytes(StandardCharsets.UTF_8));
  }

  private static UserSpec user(int userIndex, UserDraft draftUser, int photoCount) {
    String email = draftUser.email();
    UUID userId = id("user", email);

    List<ClusterSpec> clusters = new ArrayList<>();
    for (String label : draftUser.clusterLabels()) {
      clusters.add(new ClusterSpec(id("cluster", email, label), label));
    }

    List<PhotoSpec> photos = new ArrayList<>();
    Instant takenAt = FIRST_SHOT.plus(Duration.ofDays(37L * userIndex));
    List<Scene> scenes = draftUser.scenes();
    for (int i = 0; i < photoCount; i++) {
      photos.add(photo(email, i, scenes.get(i % scenes.size()), takenAt, clusters));
      takenAt = takenAt.plus(Duration.ofDays(2).plusHours(3).plusMinutes(17L * (i + 1)));
    }

    List<AlbumSpec> albums = new ArrayList<>();
    for (AlbumDraft draft : draftUser.albums()) {
      List<Integer> indexes = draft.photoIndexes().stream().filter(i -> i < photoCount).toList();
      if (indexes.isEmpty()) {
        continue;
      }
      List<UUID> photoIds = indexes.stream().map(i -> photos.get(i).photoId()).toList();
      Instant createdAt = indexes.stream()
          .map(i -> photos.get(i).processedAt())
          .max(Instant::compareTo)
          .orElseThrow()
          .plus(Duration.ofHours(1));
      albums.add(new AlbumSpec(id("album", email, draft.title()), draft.title(), draft.description(), createdAt,
          photoIds));
    }

    Instant createdAt = ACCOUNTS_OPENED.plus(Duration.ofDays(11L * userIndex));
    return new UserSpec(userId, email, draftUser.displayName(), createdAt, List.copyOf(photos), List.copyOf(albums),
        List.copyOf(clusters));
  }

  private static PhotoSpec photo(String email, int index, Scene scene, Instant takenAt, List<ClusterSpec> clusters) {
    String filename = String.format(Locale.ROOT, "IMG_%04d.jpg", index + 1);
    UUID photoId = id("photo", email, filename);
    long seed = photoId.getMostSignificantBits() ^ photoId.getLeastSignificantBits();
    boolean portrait = index % 3 == 2;
    int width = portrait ? SHORT_SIDE : LONG_SIDE;
    int height = portrait ? LONG_SIDE : SHORT_SIDE;
    Instant uploadedAt = takenAt.plus(Duration.ofHours(6));
    Instant processedAt = uploadedAt.plusSeconds(42L + index);

    Random random = new Random(seed);
    List<FaceSpec> faces = new ArrayList<>();
    int faceSize = Math.min(width, height) / 6;
    int slot = width / (scene.faces() + 1);
    for (int f = 0; f < scene.faces(); f++) {
      int w = faceSize + random.nextInt(faceSize / 3);
      int h = w * 5 / 4;
      int x = Math.max(0, Math.min(width - w, slot * (f + 1) - w / 2 + random.nextInt(slot / 4 + 1) - slot / 8));
      int y = height / 4 + random.nextInt(height / 4);
      float confidence = Math.round((0.80f + random.nextFloat() * 0.19f) * 1000f) / 1000f;
      UUID clusterId = confidence < CLUSTER_THRESHOLD || clusters.isEmpty()
          ? null
          : clusters.get((index + f) % clusters.size()).clusterId();
      faces.add(new FaceSpec(x, y, w, h, confidence, clusterId));
    }

    String metadataJson = String.format(Locale.ROOT,
        "{\"camera\":\"%s\",\"iso\":%d,\"exposure\":\"1/%d\",\"aperture\":%.1f,"
            + "\"location\":{\"name\":\"%s\",\"lat\":%.4f,\"lon\":%.4f},\"demo\":true}",
        scene.camera(), 100 << random.nextInt(4), 60 << random.nextInt(5), 1.8 + random.nextInt(8) * 0.7,
        scene.place(), scene.lat(), scene.lon());

    return new PhotoSpec(photoId, id("upload", email, filename), filename, width, height, takenAt, uploadedAt,
        processedAt, metadataJson, seed, scene.place() + " - " + filename, List.copyOf(faces));
  }

  private record Scene(String place, double lat, double lon, String camera, int faces) {}

  private record UserDraft(String email, String displayName, List<Scene> scenes, List<AlbumDraft> albums,
      List<String> clusterLabels) {}

  private record AlbumDraft(String title, String description, List<Integer> photoIndexes) {}

  /** A demo user with everything it owns. */
  record UserSpec(UUID userId, String email, String displayName, Instant createdAt, List<PhotoSpec> photos,
      List<AlbumSpec> albums, List<ClusterSpec> clusters) {}

  /** A demo photo: its database row, and what to draw for it. */
  record PhotoSpec(UUID photoId, UUID uploadId, String originalFilename, int width, int height, Instant takenAt,
      Instant uploadedAt, Instant processedAt, String metadataJson, long seed, String caption,
      List<FaceSpec> faces) {}

  /** A face drawn into a photo and recorded as a detection; clusterId is null for an unclustered face. */
  record FaceSpec(int x, int y, int w, int h, float confidence, UUID clusterId) {

    String bboxJson() {
      return String.format(Locale.ROOT, "{\"x\":%d,\"y\":%d,\"w\":%d,\"h\":%d}", x, y, w, h);
    }
  }

  /** A demo album and its photos in display order. */
  record AlbumSpec(UUID albumId, String title, String description, Instant createdAt, List<UUID> photoIds) {}

  /** A face cluster, i.e. one person. */
  record ClusterSpec(UUID clusterId, String label) {}
}
