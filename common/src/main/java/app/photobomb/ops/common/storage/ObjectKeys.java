package app.photobomb.ops.common.storage;

/** Checks keys before any adapter uses them: relative, no {@code ..} segment, no NUL or control characters. */
public final class ObjectKeys {

  private static final int MAX_LENGTH = 1024;

  private ObjectKeys() {
  }

  /** Returns the key if it is safe, else throws {@link IllegalArgumentException} saying why. */
  public static String requireSafe(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("object key is empty");
    }
    if (key.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("object key longer than " + MAX_LENGTH + " characters");
    }
    if (key.startsWith("/") || key.startsWith("\\") || key.matches("^[A-Za-z]:.*")) {
      throw new IllegalArgumentException("object key must be relative: " + printable(key));
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        throw new IllegalArgumentException("object key contains a control character or backslash: " + printable(key));
      }
    }
    for (String segment : key.split("/", -1)) {
      if (segment.equals("..") || segment.equals(".") || segment.isEmpty()) {
        throw new IllegalArgumentException("object key has an empty, '.' or '..' segment: " + printable(key));
      }
    }
    return key;
  }

  /** Returns the prefix if it is safe; an empty prefix means every key. */
  public static String requireSafePrefix(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return "";
    }
    return prefix.endsWith("/") ? requireSafe(prefix.substring(0, prefix.length() - 1)) + "/" : requireSafe(prefix);
  }

  private static String printable(String key) {
    return key.replaceAll("\\p{Cntrl}", "?");
  }
}
