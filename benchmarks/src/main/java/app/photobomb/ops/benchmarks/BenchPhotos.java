package app.photobomb.ops.benchmarks;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * JPEG originals that cost what camera photos cost to decode: a landscape of gradients and shapes with per-pixel
 * sensor noise (a smooth drawing would compress to a fraction of a real photo's size), at quality 0.9.
 */
final class BenchPhotos {

  private BenchPhotos() {
  }

  static byte[] jpeg(int width, int height, long seed) throws IOException {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      float hue = random.nextFloat();
      int horizon = height / 2 + random.nextInt(height / 6);
      g.setPaint(new GradientPaint(0, 0, Color.getHSBColor(hue, 0.5f, 0.95f), 0, horizon,
          Color.getHSBColor((hue + 0.1f) % 1f, 0.2f, 1f)));
      g.fillRect(0, 0, width, height);
      for (int layer = 0; layer < 3; layer++) {
        Color near = Color.getHSBColor((hue + 0.35f + layer * 0.05f) % 1f, 0.5f, 0.7f - layer * 0.15f);
        int baseline = horizon + layer * (height - horizon) / 4;
        g.setPaint(new GradientPaint(0, baseline - height / 5f, near.brighter(), 0, height, near.darker()));
        Path2D.Float hills = new Path2D.Float();
        hills.moveTo(0, height);
        hills.lineTo(0, baseline);
        for (int s = 1; s <= 8; s++) {
          hills.quadTo(width * (s - 0.5f) / 8, baseline - random.nextInt(height / 5), width * s / 8f,
              baseline - random.nextInt(height / 10));
        }
        hills.lineTo(width, height);
        hills.closePath();
        g.fill(hills);
      }
      for (int i = 0; i < 40; i++) {
        g.setColor(Color.getHSBColor(random.nextFloat(), 0.6f, 0.5f + random.nextFloat() / 2));
        int size = 20 + random.nextInt(Math.min(width, height) / 6);
        g.fill(new Ellipse2D.Float(random.nextInt(width), random.nextInt(height), size, size * 0.8f));
      }
    } finally {
      g.dispose();
    }
    int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < pixels.length; i++) {
      int noise = random.nextInt(25) - 12;
      int rgb = pixels[i];
      pixels[i] = clamp((rgb >> 16 & 0xff) + noise) << 16 | clamp((rgb >> 8 & 0xff) + noise) << 8
          | clamp((rgb & 0xff) + random.nextInt(9) - 4);
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(width * height / 2);
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static int clamp(int value) {
    return Math.max(0, Math.min(255, value));
  }
}
