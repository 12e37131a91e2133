package app.photobomb.ops.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One line of the table: a fault over all its rounds. */
record FaultRow(String fault, List<RoundResult> rounds) {

  int commands() {
    return rounds.stream().mapToInt(RoundResult::commands).sum();
  }

  long count(Finding.Problem problem) {
    return rounds.stream().mapToLong(r -> r.count(problem)).sum();
  }

  /** The 99th percentile of the recovery times, nearest rank: with fewer than 100 faults, the slowest. */
  Duration p99Recovery() {
    List<Duration> all = new ArrayList<>();
    rounds.forEach(r -> all.addAll(r.recoveries()));
    if (all.isEmpty()) {
      return Duration.ZERO;
    }
    all.sort(null);
    return all.get((int) Math.ceil(0.99 * all.size()) - 1);
  }

  int faults() {
    return rounds.stream().mapToInt(r -> r.recoveries().size()).sum();
  }
}
