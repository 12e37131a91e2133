package app.photobomb.ops.faults;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The faults the suite knows, by the names {@code FAULTS_FAULTS} takes, in the order they run. */
enum FaultKind {
  KILL, WORKER, KAFKA, POSTGRES, REDIS, B2, REPLAY, POISON, CLOUDFLARE;

  /** Comma-separated names, any case; empty: every fault. */
  static List<FaultKind> parse(String names) {
    if (names == null || names.isBlank()) {
      return List.of(values());
    }
    try {
      return Arrays.stream(names.split(",")).map(String::trim).filter(name -> !name.isEmpty())
          .map(name -> valueOf(name.toUpperCase(Locale.ROOT))).distinct().toList();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("FAULTS_FAULTS names faults of " + Arrays.toString(values()) + ": " + names,
          e);
    }
  }
}
