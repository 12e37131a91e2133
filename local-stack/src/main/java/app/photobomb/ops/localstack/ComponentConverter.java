package app.photobomb.ops.localstack;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %component} in a logback pattern: who logged the line (see {@link Components}). */
public final class ComponentConverter extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return Components.of(event.getLoggerName());
  }
}
