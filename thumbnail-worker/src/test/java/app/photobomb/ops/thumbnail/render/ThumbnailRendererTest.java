package app.photobomb.ops.thumbnail.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import app.photobomb.ops.common.thumbnails.ThumbnailSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ThumbnailRendererTest {

  private final ThumbnailRenderer renderer = new ThumbnailRenderer(ThumbnailSpec.defaults());

  @Test
  void jpegOriginalBecomesWebpThumbnailsOfExactLongSideLargestFirst() throws Exception {
    List<Thumbnail> thumbnails = renderer.render(new ByteArrayInputStream(jpeg(1200, 1600)));

    assertThat(thumbnails).extracting(Thumbnail::size).containsExactly(1024, 512, 256);
    for (Thumbnail thumbnail : thumbnails) {
      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(thumbnail.webp()));
      assertThat(decoded).as("WebP of " + thumbnail.size()).isNotNull();
      assertThat(decoded.getHeight()).isEqualTo(thumbnail.size()).isEqualTo(thumbnail.height());
      assertThat(decoded.getWidth()).isEqualTo(thumbnail.size() * 3 / 4).isEqualTo(thumbnail.width());
    }
  }

  @Test
  void smallOriginalIsNeverScaledUp() throws Exception {
    List<Thumbnail> thumbnails = renderer.render(new ByteArrayInputStream(jpeg(600, 400)));

    assertThat(thumbnails).extracting(Thumbnail::width).containsExactly(600, 512, 256);
  }

  @Test
  void bytesThatAreNoImageAreUndecodable() {
    assertThatExceptionOfType(UndecodableImageException.class)
        .isThrownBy(() -> renderer.render(new ByteArrayInputStream("not an image".getBytes())));
  }

  @Test
  void truncatedJpegIsUndecodable() throws IOException {
    byte[] jpeg = jpeg(800, 600);

    assertThatExceptionOfType(UndecodableImageException.class)
        .isThrownBy(() -> renderer.render(new ByteArrayInputStream(Arrays.copyOf(jpeg, 40))));
  }

  private static byte[] jpeg(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | 128);
      }
    }
    return ThumbnailRenderer.encodeJpeg(image, 0.9f);
  }
}
