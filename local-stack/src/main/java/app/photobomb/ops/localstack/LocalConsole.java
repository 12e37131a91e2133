package app.photobomb.ops.localstack;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.nio.file.Path;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Sets up the run command's logging (local-stack-logback.xml): a terminal that reads as what the system does, and
 * one file per component under {@code <local dir>/logs}. Spring Boot's logging system is switched off, since each of
 * the five services would otherwise configure logging anew, under its own application name.
 */
final class LocalConsole {

  private static final String CONFIG = "local-stack-logback.xml";

  private LocalConsole() {
  }

  static void install(Path logDirectory, boolean verbose) {
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return;
    }
    URL config = LocalConsole.class.getClassLoader().getResource(CONFIG);
    if (config == null) {
      throw new IllegalStateException(CONFIG + " is not on the class path");
    }
    context.reset();
    context.putProperty("LOG_DIR", logDirectory.toString());
    context.putProperty("VERBOSE", Boolean.toString(verbose));
    context.putProperty("TERMINAL_EXCEPTIONS", verbose ? "%ex" : "%ex{short}");
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(config);
    } catch (JoranException e) {
      throw new IllegalStateException("cannot configure logging from " + CONFIG, e);
    }
    // Libraries that log through java.util.logging end up in the same files.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }
}
