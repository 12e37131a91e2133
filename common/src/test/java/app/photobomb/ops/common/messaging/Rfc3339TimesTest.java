package app.photobomb.ops.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ce_time is read as OffsetDateTime.parse reads it: the same instant for every text it takes, and no other text. */
class Rfc3339TimesTest {

  @ParameterizedTest
  @ValueSource(strings = {"2026-12-02T19:39:20.123456Z", "2026-12-02T19:39:20Z", "2026-12-02T19:39:20.1Z",
      "2026-12-02T19:39:20.123456789Z", "2026-12-02T19:39:20.123+01:00", "2026-12-02T19:39:20-05:30",
      "2024-02-29T23:59:59.999999999+18:00", "0001-01-01T00:00:00-18:00", "2026-12-02T19:39:20.5-00:00",
      "2026-12-02t19:39:20z", "2026-12-02T19:39Z", "2026-12-02T19:39:20+01", "2026-12-02T19:39:20.Z",
      "+12026-12-02T19:39:20Z"})
  void readsEveryTimeOffsetDateTimeReadsAsTheSameInstant(String text) {
    assertThat(Rfc3339Times.parse(text)).isEqualTo(OffsetDateTime.parse(text).toInstant());
  }

  @ParameterizedTest
  @ValueSource(strings = {"yesterday at noon", "", "2026-12-02T19:39:20.1234567890Z",
      "2026-02-30T19:39:20Z", "2025-02-29T10:00:00Z", "2026-12-02T24:00:00Z", "2026-12-02T19:60:00Z",
      "2026-12-02T19:39:60Z", "2026-13-02T19:39:20Z", "2026-12-02T19:39:20+18:01", "2026-12-02T19:39:20+1a:00",
      "2026-12-02T19:39:20", "2026-12-02 19:39:20Z", "2026-12-02T19:39:20.123456ZZ", "2026-12-02T19:39:2xZ"})
  void refusesEveryTextOffsetDateTimeRefuses(String text) {
    assertThatThrownBy(() -> OffsetDateTime.parse(text)).isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> Rfc3339Times.parse(text)).isInstanceOf(DateTimeParseException.class);
  }

  @Test
  void readsWhatTheOutboxWritesBackToTheSameMicrosecond() {
    SplittableRandom random = new SplittableRandom(14);
    for (int i = 0; i < 10_000; i++) {
      Instant time = Instant.ofEpochSecond(random.nextLong(0, 4_102_444_800L), random.nextInt(1_000_000) * 1_000L);
      String text = Outbox.CE_TIME.format(time);
      assertThat(Rfc3339Times.parse(text)).as(text).isEqualTo(time);
      assertThat(OffsetDateTime.parse(text).getOffset()).isEqualTo(ZoneOffset.UTC);
    }
  }
}
