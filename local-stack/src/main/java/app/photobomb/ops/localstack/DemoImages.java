package app.photobomb.ops.localstack;

import app.photobomb.ops.common.thumbnails.ThumbnailSpec;
import app.photobomb.ops.localstack.DemoCatalog.FaceSpec;
import app.photobomb.ops.localstack.DemoCatalog.PhotoSpec;
import app.photobomb.ops.localstack.LocalObjectStore.StoredObject;
import app.photobomb.ops.thumbnail.render.Thumbnail;
import app.photobomb.ops.thumbnail.render.ThumbnailRenderer;
import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Draws the demo photos and encodes them as a JPEG original plus WebP thumbnails, rendered by the thumbnail-worker's
 * {@link ThumbnailRenderer} at the default spec, so that demo thumbnails and regenerated ones are the same code.
 */
final class DemoImages {

  private static final float JPEG_QUALITY = 0.9f;
  private static final ThumbnailRenderer RENDERER = new ThumbnailRenderer(ThumbnailSpec.defaults());

  private DemoImages() {}

  /** Draws the photo once, then stores its original and every thumbnail; returns the objects original first. */
  static List<StoredObject> store(LocalObjectStore store, UUID userId, PhotoSpec photo) throws IOException {
    BufferedImage original = draw(photo);
    List<StoredObject> stored = new ArrayList<>();
    stored.add(store.put("original", LocalObjectStore.ORIGINALS_BUCKET,
        LocalObjectStore.originalKey(userId, photo.photoId()), ThumbnailRenderer.encodeJpeg(original, JPEG_QUALITY)));
    for (Thumbnail thumbnail : RENDERER.render(original)) {
      stored.add(store.put(ThumbnailSpec.kind(thumbnail.size()), LocalObjectStore.THUMBNAILS_BUCKET,
          LocalObjectStore.thumbnailKey(photo.photoId(), thumbnail.size()), thumbnail.webp()));
    }
    return stored;
  }

  /** A landscape of random hills under a gradient sky, with the photo's faces and caption, all from its seed. */
  static BufferedImage draw(PhotoSpec photo) {
    int width = photo.width();
    int height = photo.height();
    Random random = new Random(photo.seed());
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);

      float hue = random.nextFloat();
      int horizon = height / 2 + random.nextInt(height / 6);
      g.setPaint(new GradientPaint(0, 0, Color.getHSBColor(hue, 0.55f, 0.95f),
          0, horizon, Color.getHSBColor((hue + 0.12f) % 1f, 0.25f, 1f)));
      g.fillRect(0, 0, width, height);

      float sunX = width * (0.15f + random.nextFloat() * 0.7f);
      float sunY = horizon * (0.2f + random.nextFloat() * 0.4f);
      float sunRadius = Math.min(width, height) * (0.06f + random.nextFloat() * 0.05f);
      g.setPaint(new RadialGradientPaint(sunX, sunY, sunRadius * 3,
          new float[] {0f, 0.33f, 1f},
          new Color[] {new Color(255, 250, 220), new Color(255, 220, 120, 180), new Color(255, 220, 120, 0)}));
      g.fill(new Ellipse2D.Float(sunX - sunRadius * 3, sunY - sunRadius * 3, sunRadius * 6, sunRadius * 6));

      for (int layer = 0; layer < 3; layer++) {
        int baseline = horizon + layer * (height - horizon) / 4;
        Color near = Color.getHSBColor((hue + 0.35f + layer * 0.04f) % 1f, 0.5f, 0.65f - layer * 0.15f);
        g.setPaint(new GradientPaint(0, baseline - height / 5f, near.brighter(), 0, height, near.darker()));
        g.fill(hills(random, width, height, baseline));
      }

      for (int i = 0; i < 6 + random.nextInt(6); i++) {
        g.setColor(Color.getHSBColor(random.nextFloat(), 0.6f, 0.9f));
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.25f + random.nextFloat() * 0.35f));
        int size = Math.min(width, height) / 20 + random.nextInt(Math.min(width, height) / 8);
        int x = random.nextInt(width - size);
        int y = horizon + random.nextInt(Math.max(1, height - horizon - size));
        if (random.nextBoolean()) {
          g.fill(new Ellipse2D.Float(x, y, size, size));
        } else {
          g.fill(new RoundRectangle2D.Float(x, y, size, size * 0.7f, size / 5f, size / 5f));
        }
      }
      g.setComposite(AlphaComposite.SrcOver);

      for (FaceSpec face : photo.faces()) {
        drawFace(g, random, face);
      }

      Font font = new Font(Font.SANS_SERIF, Font.BOLD, Math.max(18, height / 24));
      g.setFont(font);
      int textX = width / 32;
      int textY = height - height / 32;
      g.setColor(new Color(0, 0, 0, 140));
      g.drawString(photo.caption(), textX + 3, textY + 3);
      g.setColor(Color.WHITE);
      g.drawString(photo.caption(), textX, textY);
    } finally {
      g.dispose();
    }
    return image;
  }

  private static Path2D hills(Random random, int width, int height, int baseline) {
    Path2D.Float path = new Path2D.Float();
    path.moveTo(0, height);
    path.lineTo(0, baseline);
    int steps = 5 + random.nextInt(4);
    float previousX = 0;
    float previousY = baseline;
    for (int s = 1; s <= steps; s++) {
      float x = width * s / (float) steps;
      float y = baseline - random.nextInt(height / 5) + height / 20f;
      path.quadTo((previousX + x) / 2, Math.min(previousY, y) - random.nextInt(height / 10), x, y);
      previousX = x;
      previousY = y;
    }
    path.lineTo(width, height);
    path.closePath();
    return path;
  }

  private static void drawFace(Graphics2D g, Random random, FaceSpec face) {
    Color skin = Color.getHSBColor(0.05f + random.nextFloat() * 0.04f, 0.35f + random.nextFloat() * 0.3f,
        0.55f + random.nextFloat() * 0.4f);
    g.setColor(skin);
    g.fill(new Ellipse2D.Float(face.x(), face.y(), face.w(), face.h()));
    g.setColor(new Color(40, 30, 30));
    float eye = face.w() / 9f;
    float eyeY = face.y() + face.h() * 0.38f;
    g.fill(new Ellipse2D.Float(face.x() + face.w() * 0.3f - eye / 2, eyeY, eye, eye));
    g.fill(new Ellipse2D.Float(face.x() + face.w() * 0.7f - eye / 2, eyeY, eye, eye));
    g.setStroke(new BasicStroke(Math.max(2f, face.w() / 30f), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.drawArc(face.x() + face.w() / 4, face.y() + face.h() / 2, face.w() / 2, face.h() / 4, 200, 140);
  }
}
