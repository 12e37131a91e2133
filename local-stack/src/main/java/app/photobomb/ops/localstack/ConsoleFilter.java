package app.photobomb.ops.localstack;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * What reaches the terminal: what the system does (the services' and the stack's own lines, and the messaging
 * core's activity lines, one per message handled or emitted), and from the servers and frameworks only warnings
 * and errors. Verbose lets everything through.
 */
public final class ConsoleFilter extends Filter<ILoggingEvent> {

  static final String ACTIVITY_LOGGER = "photobomb.activity";
  private static final String OWN_CODE = "app.photobomb.ops.";

  private boolean verbose;

  public void setVerbose(boolean verbose) {
    this.verbose = verbose;
  }

  @Override
  public FilterReply decide(ILoggingEvent event) {
    if (verbose || event.getLevel().isGreaterOrEqual(Level.WARN)) {
      return FilterReply.NEUTRAL;
    }
    String logger = event.getLoggerName();
    boolean ours = logger.startsWith(OWN_CODE) || logger.equals(ACTIVITY_LOGGER)
        || logger.startsWith(ACTIVITY_LOGGER + ".");
    return ours && event.getLevel().isGreaterOrEqual(Level.INFO) ? FilterReply.NEUTRAL : FilterReply.DENY;
  }
}
