package app.photobomb.ops.localstack;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What reaches the terminal: what the system does (the services' and the stack's own lines, and the messaging
 * core's activity lines, one per message handled or emitted), and from the servers and frameworks only warnings
 * and errors. Verbose lets everything through. The backlog monitor's events, emitted every second or few while a
 * queue's state lasts, show only where their handling changed something (the scaling-service's line of the scale
 * says what and why); the scaling-service's file has them all.
 */
public final class ConsoleFilter extends Filter<ILoggingEvent> {

  static final String ACTIVITY_LOGGER = "photobomb.activity";
  private static final String OWN_CODE = "app.photobomb.ops.";
  /** An activity line of a backlog event emitted, or handled with nothing emitted. */
  private static final Pattern UNEVENTFUL_BACKLOG =
      Pattern.compile("(-> )?QueueBacklog(Detected|Cleared) \\S+( handled)?");

  /**
   * Warnings every start of this one-JVM stack gives, which need no action; they stay in the files. Each is a logger
   * prefix and a fragment of its message.
   */
  private static final List<Map.Entry<String, String>> EXPECTED_WARNINGS = List.of(
      // each service's context sees Kotlin's standard library on the shared class path; no service uses Kotlin
      Map.entry("org.springframework.cloud.function.context.config", "Kotlin is present on the classpath"),
      // the binder registers its offset gauge once per binding, the second time ignored
      Map.entry("io.micrometer.core.instrument.MeterRegistry", "This Gauge has been already registered"),
      // the first event of a type creates its topic (auto.create.topics.enable), after one such answer
      Map.entry("org.apache.kafka.clients.NetworkClient", "UNKNOWN_TOPIC_OR_PARTITION"),
      // a new log directory's first start
      Map.entry("org.apache.kafka.controller.QuorumController", "The metadata log appears to be empty"));

  private boolean verbose;

  public void setVerbose(boolean verbose) {
    this.verbose = verbose;
  }

  @Override
  public FilterReply decide(ILoggingEvent event) {
    if (verbose) {
      return FilterReply.NEUTRAL;
    }
    if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
      return expected(event) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
    String logger = event.getLoggerName();
    boolean activity = logger.equals(ACTIVITY_LOGGER) || logger.startsWith(ACTIVITY_LOGGER + ".");
    if (activity && event.getFormattedMessage() != null
        && UNEVENTFUL_BACKLOG.matcher(event.getFormattedMessage()).matches()) {
      return FilterReply.DENY;
    }
    boolean ours = logger.startsWith(OWN_CODE) || activity;
    return ours && event.getLevel().isGreaterOrEqual(Level.INFO) ? FilterReply.NEUTRAL : FilterReply.DENY;
  }

  private static boolean expected(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    return event.getLevel() == Level.WARN && message != null && EXPECTED_WARNINGS.stream().anyMatch(warning ->
        event.getLoggerName().startsWith(warning.getKey()) && message.contains(warning.getValue()));
  }
}
