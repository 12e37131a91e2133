package app.photobomb.ops.cdn.domain;

/**
 * One thing to purge: a URL ({@code files}), a host/path prefix ({@code prefixes}) or the whole zone
 * ({@code everything}, with an empty target).
 */
public record PurgeTarget(String kind, String target) {

  public static final String FILES = "files";
  public static final String PREFIXES = "prefixes";
  public static final String EVERYTHING = "everything";

  public static PurgeTarget everything() {
    return new PurgeTarget(EVERYTHING, "");
  }
}
