package app.photobomb.ops.thumbnail.render;

import app.photobomb.ops.common.thumbnails.ThumbnailSpec;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.spi.ImageWriterSpi;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Renders a photo's WebP thumbnails at a {@link ThumbnailSpec}: decodes the original with ImageIO, scales it to the
 * long side of each size (largest first, each from the one before) and encodes lossy WebP (webp-imageio). The demo
 * data of the local stack is drawn through the same code. Thread-safe: every call uses its own writer.
 */
public final class ThumbnailRenderer {

  private final List<Integer> sizesLargestFirst;
  private final float quality;
  private final ImageWriterSpi webpWriter;

  public ThumbnailRenderer(ThumbnailSpec spec) {
    this.sizesLargestFirst = spec.sizes().stream().sorted(Comparator.reverseOrder()).distinct().toList();
    this.quality = spec.quality();
    this.webpWriter = writerSpi("image/webp", "webp");
  }

  /** Decodes the original (read to its end, not closed) and renders every size, largest first. */
  public List<Thumbnail> render(InputStream original) throws UndecodableImageException {
    BufferedImage image;
    // In memory: ImageIO's default stream caches an InputStream in a temporary file.
    try {
      image = ImageIO.read(new MemoryCacheImageInputStream(original));
    } catch (IOException | RuntimeException e) {
      // ImageIO reports a truncated or corrupt stream as IIOException, and some malformed headers as runtime errors.
      throw new UndecodableImageException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
    }
    if (image == null) {
      throw new UndecodableImageException("no ImageIO reader recognises the format");
    }
    return render(image);
  }

  /** Renders every size of an image already decoded, largest first. */
  public List<Thumbnail> render(BufferedImage image) {
    List<Thumbnail> thumbnails = new ArrayList<>(sizesLargestFirst.size());
    // 1024 to 512 to 256 are exact halvings: as good as scaling each from the original, for a fraction of the work.
    BufferedImage source = image;
    for (int size : sizesLargestFirst) {
      BufferedImage scaled = scaleToLongSide(source, size);
      thumbnails.add(new Thumbnail(size, scaled.getWidth(), scaled.getHeight(), encodeWebp(scaled)));
      source = scaled;
    }
    return thumbnails;
  }

  /** Lossy WebP at this renderer's quality. */
  public byte[] encodeWebp(BufferedImage image) {
    try {
      return encode(image, webpWriter.createWriterInstance(), quality, "lossy");
    } catch (IOException e) {
      throw new UncheckedIOException("WebP encoding failed", e);
    }
  }

  /** Baseline JPEG at the given quality (the demo's originals). */
  public static byte[] encodeJpeg(BufferedImage image, float quality) throws IOException {
    return encode(image, writerSpi("image/jpeg", "jpg").createWriterInstance(), quality, null);
  }

  /**
   * Scales so that the long side is exactly {@code longSide} (never up). Large reductions go in halving steps with
   * bilinear filtering, because a single step from 4000 to 256 pixels skips most source pixels and aliases; the last
   * step, under a halving, is bilinear too: bicubic cost twice the time for no difference a thumbnail shows.
   */
  public static BufferedImage scaleToLongSide(BufferedImage source, int longSide) {
    int sourceLong = Math.max(source.getWidth(), source.getHeight());
    if (sourceLong <= longSide) {
      return source;
    }
    int targetWidth;
    int targetHeight;
    if (source.getWidth() >= source.getHeight()) {
      targetWidth = longSide;
      targetHeight = Math.max(1, Math.round(source.getHeight() * (float) longSide / sourceLong));
    } else {
      targetHeight = longSide;
      targetWidth = Math.max(1, Math.round(source.getWidth() * (float) longSide / sourceLong));
    }
    BufferedImage current = source;
    while (Math.max(current.getWidth(), current.getHeight()) / 2 >= longSide) {
      current = resize(current, current.getWidth() / 2, current.getHeight() / 2,
          RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    }
    if (current.getWidth() == targetWidth && current.getHeight() == targetHeight) {
      return current;
    }
    return resize(current, targetWidth, targetHeight, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
  }

  private static BufferedImage resize(BufferedImage source, int width, int height, Object interpolation) {
    BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = target.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(source, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return target;
  }

  private static ImageWriterSpi writerSpi(String mimeType, String formatName) {
    Iterator<ImageWriter> writers = lookUpWriters(mimeType, formatName);
    if (!writers.hasNext()) {
      // The ImageIO registry only sees plugins of the class loader that first touched it; under a nested-jar or
      // container class loader that can miss webp-imageio, and a rescan from this thread picks it up.
      ImageIO.scanForPlugins();
      writers = lookUpWriters(mimeType, formatName);
    }
    if (!writers.hasNext()) {
      throw new IllegalStateException("No ImageIO writer for " + mimeType
          + "; for WebP put org.sejda.imageio:webp-imageio on the class path");
    }
    ImageWriter writer = writers.next();
    ImageWriterSpi spi = writer.getOriginatingProvider();
    writer.dispose();
    return spi;
  }

  private static Iterator<ImageWriter> lookUpWriters(String mimeType, String formatName) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByMIMEType(mimeType);
    return writers.hasNext() ? writers : ImageIO.getImageWritersByFormatName(formatName);
  }

  private static byte[] encode(BufferedImage image, ImageWriter writer, float quality, String preferredCompression)
      throws IOException {
    ImageWriteParam param = writer.getDefaultWriteParam();
    if (param.canWriteCompressed()) {
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      String[] types = param.getCompressionTypes();
      if (types != null && types.length > 0) {
        param.setCompressionType(pickCompressionType(types, preferredCompression));
      }
      param.setCompressionQuality(quality);
    }
    if (param instanceof com.luciad.imageio.webp.WebPWriteParam webp) {
      // libwebp's method 2 encodes several times faster than its default 4, for a few percent more bytes.
      webp.setMethod(2);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, image.getWidth() * image.getHeight() / 4));
    // In memory on purpose: ImageIO's default stream would spill to a cache file in java.io.tmpdir.
    try (ImageOutputStream output = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(output);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static String pickCompressionType(String[] types, String preferred) {
    if (preferred != null) {
      for (String type : types) {
        if (type.toLowerCase(Locale.ROOT).equals(preferred)) {
          return type;
        }
      }
    }
    return types[0];
  }
}
