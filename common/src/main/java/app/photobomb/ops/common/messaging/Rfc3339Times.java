package app.photobomb.ops.common.messaging;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Reads ce_time, an RFC 3339 time: the shape every sender writes (2026-12-02T19:39:20.123456Z or +01:00) directly,
 * anything else through {@link OffsetDateTime#parse}, so that both accept and refuse exactly the same texts.
 * OffsetDateTime.parse per record was a tenth of the consumer thread in the messaging benchmark's profile.
 */
final class Rfc3339Times {

  private static final int[] NANOS_PER_DIGIT = {100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};
  private static final int SECONDS_PER_DAY = 86_400;

  private Rfc3339Times() {
  }

  /** The instant of an RFC 3339 time; throws DateTimeParseException as OffsetDateTime.parse does. */
  static Instant parse(String text) {
    Instant usual = usualShape(text);
    return usual != null ? usual : OffsetDateTime.parse(text).toInstant();
  }

  /** uuuu-MM-ddTHH:mm:ss, an optional fraction of 1 to 9 digits, then Z or +HH:mm / -HH:mm; null for any other text. */
  private static Instant usualShape(String text) {
    int length = text.length();
    if (length < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
        || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
        || second > 59) {
      return null;
    }
    int at = 19;
    int nanos = 0;
    if (text.charAt(at) == '.') {
      int start = ++at;
      while (at < length && isDigit(text.charAt(at))) {
        at++;
      }
      int count = at - start;
      if (count == 0 || count > NANOS_PER_DIGIT.length) {
        return null;
      }
      nanos = digits(text, start, count) * NANOS_PER_DIGIT[count - 1];
    }
    int offsetSeconds;
    if (at == length - 1 && text.charAt(at) == 'Z') {
      offsetSeconds = 0;
    } else if (at == length - 6 && (text.charAt(at) == '+' || text.charAt(at) == '-') && text.charAt(at + 3) == ':') {
      int sign = text.charAt(at) == '-' ? -1 : 1;
      int offsetHours = digits(text, at + 1, 2);
      int offsetMinutes = digits(text, at + 4, 2);
      if (offsetHours < 0 || offsetMinutes < 0) {
        return null;
      }
      try {
        offsetSeconds = ZoneOffset.ofHoursMinutes(sign * offsetHours, sign * offsetMinutes).getTotalSeconds();
      } catch (DateTimeException e) {
        return null;
      }
    } else {
      return null;
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null;
    }
    return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second - offsetSeconds,
        nanos);
  }

  /** The value of count decimal digits from start, or -1 if one of them is not a digit. */
  private static int digits(String text, int start, int count) {
    int value = 0;
    for (int i = start; i < start + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
