package app.photobomb.ops.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import app.photobomb.ops.localstack.DemoCatalog.PhotoSpec;
import app.photobomb.ops.localstack.DemoCatalog.UserSpec;
import app.photobomb.ops.localstack.LocalObjectStore.StoredObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThumbnailImagesTest {

  @TempDir
  Path objectStoreRoot;

  @Test
  void landscapePhotoGetsAJpegOriginalAndWebpThumbnailsOfExactLongSide() throws IOException {
    UserSpec user = DemoCatalog.users().get(0);
    PhotoSpec photo = user.photos().get(0);
    assertThat(photo.width()).isGreaterThan(photo.height());

    List<StoredObject> stored = DemoImages.store(new LocalObjectStore(objectStoreRoot), user.userId(), photo);

    assertThat(stored).extracting(StoredObject::kind)
        .containsExactly("original", "thumb_1024", "thumb_512", "thumb_256");
    assertOriginal(user, photo);
    assertThumbnail(photo, 1024, 1024, 768);
    assertThumbnail(photo, 512, 512, 384);
    assertThumbnail(photo, 256, 256, 192);
  }

  @Test
  void portraitPhotoKeepsItsOrientationInEveryThumbnail() throws IOException {
    UserSpec user = DemoCatalog.users().get(0);
    PhotoSpec photo = user.photos().get(2);
    assertThat(photo.height()).isGreaterThan(photo.width());

    DemoImages.store(new LocalObjectStore(objectStoreRoot), user.userId(), photo);

    assertOriginal(user, photo);
    assertThumbnail(photo, 1024, 768, 1024);
    assertThumbnail(photo, 512, 384, 512);
    assertThumbnail(photo, 256, 192, 256);
  }

  @Test
  void storedObjectsRecordTheSizeAndDigestOfTheFileOnDisk() throws IOException {
    UserSpec user = DemoCatalog.users().get(1);
    PhotoSpec photo = user.photos().get(0);

    List<StoredObject> stored = DemoImages.store(new LocalObjectStore(objectStoreRoot), user.userId(), photo);

    assertThat(stored).hasSize(4).allSatisfy(object -> {
      byte[] bytes = Files.readAllBytes(object.path());
      assertThat(object.sizeBytes()).isEqualTo(bytes.length).isPositive();
      assertThat(object.sha256()).isEqualTo(LocalObjectStore.sha256Hex(bytes)).hasSize(64);
      assertThat(object.fileId()).startsWith("local-");
    });
    try (var files = Files.walk(objectStoreRoot)) {
      assertThat(files.filter(Files::isRegularFile)).hasSize(4);
    }
  }

  private void assertOriginal(UserSpec user, PhotoSpec photo) throws IOException {
    Path path = objectStoreRoot.resolve("photobomb-originals")
        .resolve("originals/" + user.userId() + "/" + photo.photoId() + ".jpg");
    BufferedImage original = ImageIO.read(path.toFile());
    assertThat(original).as("JPEG original at %s", path).isNotNull();
    assertThat(original.getWidth()).isEqualTo(photo.width());
    assertThat(original.getHeight()).isEqualTo(photo.height());
  }

  private void assertThumbnail(PhotoSpec photo, int size, int expectedWidth, int expectedHeight) throws IOException {
    Path path = objectStoreRoot.resolve("photobomb-thumbnails")
        .resolve("thumbs/" + photo.photoId() + "/" + size + ".webp");
    assertThat(path).isRegularFile();
    BufferedImage thumbnail = ImageIO.read(path.toFile());
    assertThat(thumbnail).as("WebP thumbnail at %s (is a WebP ImageIO reader registered?)", path).isNotNull();
    assertThat(Math.max(thumbnail.getWidth(), thumbnail.getHeight())).isEqualTo(size);
    assertThat(thumbnail.getWidth()).isEqualTo(expectedWidth);
    assertThat(thumbnail.getHeight()).isEqualTo(expectedHeight);
  }
}
