package app.photobomb.ops.localstack;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.sift.AbstractDiscriminator;

/** Sends each log line to its component's file, {@code <local dir>/logs/<component>.log}. */
public final class ComponentDiscriminator extends AbstractDiscriminator<ILoggingEvent> {

  @Override
  public String getDiscriminatingValue(ILoggingEvent event) {
    return Components.of(event.getLoggerName());
  }

  @Override
  public String getKey() {
    return "component";
  }
}
