package app.photobomb.ops.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as people write them: {@code 90s}, {@code 30m}, {@code 1h30m}, {@code 7d}, or ISO-8601 {@code PT30M}. */
public final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    String text = value.trim().toUpperCase(Locale.ROOT);
    try {
      if (text.startsWith("P")) {
        return Duration.parse(text);
      }
      int days = text.indexOf('D');
      String time = text.substring(days + 1);
      return Duration.parse("P" + (days < 0 ? "" : text.substring(0, days + 1)) + (time.isEmpty() ? "" : "T" + time));
    } catch (DateTimeParseException | IndexOutOfBoundsException e) {
      throw new TypeConversionException("'" + value + "' is not a duration (e.g. 90s, 30m, 2h, 1h30m, 7d)");
    }
  }

  /** The way the options take it: {@code 30m}, {@code 1h30m}, {@code 45s}. */
  public static String format(Duration duration) {
    String iso = duration.toString().substring(2).toLowerCase(Locale.ROOT);
    return iso.isEmpty() ? "0s" : iso;
  }
}
