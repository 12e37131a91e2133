package app.photobomb.ops.testsupport;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that makes sure the real Kafka, PostgreSQL and Redis servers of this JVM are running
 * before a test class starts. They start once per JVM and stop when it exits.
 */
public final class RealServersExtension implements BeforeAllCallback {

  @Override
  public void beforeAll(ExtensionContext context) {
    RealServers.shared();
  }
}
