package app.photobomb.ops.localstack;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %alert} in a logback pattern: "WARN " or "ERROR " for lines that need attention, nothing otherwise. */
public final class AlertLevelConverter extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return event.getLevel().isGreaterOrEqual(Level.WARN) ? event.getLevel() + " " : "";
  }
}
