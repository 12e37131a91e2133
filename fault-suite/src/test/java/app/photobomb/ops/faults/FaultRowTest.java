package app.photobomb.ops.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FaultRowTest {

  @Test
  void p99OfFewerThanAHundredRecoveriesIsTheSlowest() {
    FaultRow row = new FaultRow("kill", List.of(new RoundResult(4, List.of(),
        List.of(Duration.ofSeconds(20), Duration.ofSeconds(31), Duration.ofSeconds(25)))));

    assertThat(row.p99Recovery()).isEqualTo(Duration.ofSeconds(31));
  }

  @Test
  void p99OfTwoHundredRecoveriesLeavesOutTheTwoSlowest() {
    List<Duration> recoveries = IntStream.rangeClosed(1, 200).mapToObj(Duration::ofSeconds).toList();
    FaultRow row = new FaultRow("kill", List.of(new RoundResult(1, List.of(), recoveries)));

    assertThat(row.p99Recovery()).isEqualTo(Duration.ofSeconds(198));
  }
}
