package app.photobomb.ops.deletion.domain;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/** {@code bucket:prefix} settings as two parallel arrays, for unnest in SQL. */
record Prefixes(String[] buckets, String[] patterns) {

  static Prefixes of(List<String> pairs) {
    return new Prefixes(pairs.stream().map(p -> p.substring(0, p.indexOf(':'))).toArray(String[]::new),
        pairs.stream().map(p -> p.substring(p.indexOf(':') + 1)).toArray(String[]::new));
  }

  /** With the user's id in place of {@code {userId}}; {@code {photoId}} is left for SQL to fill per photo. */
  Prefixes forUser(UUID userId) {
    return new Prefixes(buckets, Arrays.stream(patterns).map(p -> p.replace("{userId}", userId.toString()))
        .toArray(String[]::new));
  }

  Prefixes and(Prefixes other) {
    return new Prefixes(concat(buckets, other.buckets), concat(patterns, other.patterns));
  }

  private static String[] concat(String[] first, String[] second) {
    return Stream.concat(Arrays.stream(first), Arrays.stream(second)).toArray(String[]::new);
  }
}
