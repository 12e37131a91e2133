package app.photobomb.ops.faults;

import java.time.Duration;
import java.util.List;

/** What one round did and found: commands sent, the invariants that failed, each fault's recovery time. */
record RoundResult(int commands, List<Finding> findings, List<Duration> recoveries) {

  long count(Finding.Problem problem) {
    return findings.stream().filter(f -> f.problem() == problem).count();
  }
}
