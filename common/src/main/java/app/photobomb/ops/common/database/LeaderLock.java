package app.photobomb.ops.common.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.env.Environment;

/**
 * Elects the one replica that runs a piece of work with a PostgreSQL session-level advisory lock, held on a
 * connection of its own (outside the pool, which would hand the session to other work). PostgreSQL releases it the
 * moment the holder's session ends (a crash, a network cut), with no lease duration to tune and no extra RBAC.
 */
public class LeaderLock implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(LeaderLock.class);

  private final Environment environment;
  private final long lockKey;
  private final String work;
  private Connection connection;

  /** {@code work} names what the holder runs, for the logs. */
  public LeaderLock(Environment environment, long lockKey, String work) {
    this.environment = environment;
    this.lockKey = lockKey;
    this.work = work;
  }

  /** Whether this replica holds the lock now, taking it if it is free; a lost session loses it. */
  public synchronized boolean holds() {
    try {
      if (connection != null && connection.isValid(1)) {
        return true;
      }
      release();
      Connection candidate = DriverManager.getConnection(environment.getRequiredProperty("spring.datasource.url"),
          environment.getProperty("spring.datasource.username"), environment.getProperty("spring.datasource.password"));
      try (PreparedStatement statement = candidate.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
        statement.setLong(1, lockKey);
        try (ResultSet result = statement.executeQuery()) {
          if (result.next() && result.getBoolean(1)) {
            connection = candidate;
            log.info("this replica now runs {} (advisory lock {})", work, lockKey);
            return true;
          }
        }
      }
      candidate.close();
      return false;
    } catch (SQLException e) {
      log.warn("the lock of {} could not be checked; another replica may run it", work, e);
      release();
      return false;
    }
  }

  private void release() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("closing the lock connection of {} failed; PostgreSQL drops the lock with the session", work, e);
      }
      connection = null;
    }
  }

  @Override
  public synchronized void destroy() {
    release();
  }
}
