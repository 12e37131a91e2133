package app.photobomb.ops.export.archive;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Names of the photos inside an archive, from names users gave them: only the last path segment is kept, every
 * character outside letters, digits and a few marks becomes {@code _}, the extension is kept (or derived from the
 * content type), the name fits 200 bytes, Windows device names ({@code CON}, {@code NUL}, {@code COM1}...) get a
 * leading {@code _}, and a name already taken (ignoring case, as Windows and macOS do) gets {@code " (2)"},
 * {@code " (3)"}... So no name can leave {@code photos/}, be absolute, hide, or overwrite another.
 */
public final class ArchiveNames {

  /** Room for the {@code photos/} folder and a collision suffix under common 255-byte file name limits. */
  private static final int MAX_NAME_BYTES = 200;
  private static final int MAX_EXTENSION_LENGTH = 10;
  private static final Map<String, String> EXTENSIONS = Map.of("image/jpeg", "jpg", "image/png", "png",
      "image/heic", "heic", "image/heif", "heif", "image/webp", "webp", "image/gif", "gif", "image/tiff", "tif",
      "image/avif", "avif", "video/mp4", "mp4", "video/quicktime", "mov");

  /** Windows opens a device, not a file, for these names whatever their extension. */
  private static final java.util.regex.Pattern DEVICE_NAME =
      java.util.regex.Pattern.compile("(?i)(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])");
  /** Letters that render as nothing: a name made of them would look empty. */
  private static final String INVISIBLE_LETTERS = "\u115F\u1160\u3164\uFFA0";

  private final String folder;
  /** 64-bit hashes of the names given, folded: 8 bytes a photo; a false match only adds a " (n)". */
  private final Set<Long> taken = new HashSet<>();

  /** Names under {@code folder} (e.g. {@code photos/}). */
  public ArchiveNames(String folder) {
    this.folder = folder;
  }

  /** A safe name for this photo, unique among the names this instance gave. */
  public String next(String originalFilename, String contentType, UUID photoId) {
    String base = lastSegment(originalFilename == null ? "" : originalFilename);
    int dot = base.lastIndexOf('.');
    String stem = dot > 0 ? base.substring(0, dot) : base;
    String extension = dot > 0 ? base.substring(dot + 1) : "";
    if (!extension.matches("[A-Za-z0-9]{1," + MAX_EXTENSION_LENGTH + "}")) {
      extension = EXTENSIONS.getOrDefault(contentType == null ? "" : contentType.toLowerCase(Locale.ROOT), "bin");
    }
    stem = clean(stem);
    if (stem.isEmpty()) {
      stem = photoId.toString();
    }
    if (DEVICE_NAME.matcher(stem.contains(".") ? stem.substring(0, stem.indexOf('.')).trim() : stem).matches()) {
      stem = "_" + stem;
    }
    stem = truncate(stem, MAX_NAME_BYTES - extension.length() - 1);
    String name = stem + "." + extension;
    for (int copy = 2; !taken.add(hash(folded(name))); copy++) {
      name = stem + " (" + copy + ")." + extension;
    }
    return folder + name;
  }

  /** Case folding close to what case-insensitive file systems do (so that Σ, σ and ς are one letter). */
  private static String folded(String name) {
    return name.toLowerCase(Locale.ROOT).toUpperCase(Locale.ROOT);
  }

  private static long hash(String folded) {
    UUID digest = UUID.nameUUIDFromBytes(folded.getBytes(StandardCharsets.UTF_8));
    return digest.getMostSignificantBits() ^ digest.getLeastSignificantBits();
  }

  private static String lastSegment(String name) {
    String normalized = name.replace('\\', '/');
    return normalized.substring(normalized.lastIndexOf('/') + 1);
  }

  /**
   * Letters (but not invisible ones), digits, combining marks after a letter (Thai, Devanagari...), spaces and
   * {@code - _ . , ( ) + @ & =}; no control, format or bidi characters; no leading dots or spaces.
   */
  private static String clean(String stem) {
    String composed = Normalizer.normalize(stem, Normalizer.Form.NFC);
    StringBuilder clean = new StringBuilder();
    composed.codePoints().forEach(c -> {
      boolean mark = Character.getType(c) == Character.NON_SPACING_MARK
          || Character.getType(c) == Character.COMBINING_SPACING_MARK;
      boolean kept = Character.isLetterOrDigit(c) && INVISIBLE_LETTERS.indexOf(c) < 0
          || mark && clean.length() > 0 && clean.charAt(clean.length() - 1) != '_'
          || " -_.,()+@&=".indexOf(c) >= 0;
      clean.appendCodePoint(kept ? c : '_');
    });
    return clean.toString().replaceAll("^[ .]+", "").replaceAll("[ .]+$", "");
  }

  /** Cuts at a code point boundary so that the UTF-8 form fits. */
  private static String truncate(String text, int maxBytes) {
    if (text.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
      return text;
    }
    StringBuilder cut = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < text.length(); ) {
      int codePoint = text.codePointAt(i);
      int length = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + length > maxBytes) {
        break;
      }
      cut.appendCodePoint(codePoint);
      bytes += length;
      i += Character.charCount(codePoint);
    }
    return cut.toString().replaceAll("[ .]+$", "");
  }
}
