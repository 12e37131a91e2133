package app.photobomb.ops.scaling.monitor;

import app.photobomb.ops.scaling.config.ScalingProperties;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Elects the one active backlog monitor among the replicas with a PostgreSQL session-level advisory lock, held on a
 * connection of its own (outside the pool, which would hand the session to other work). Chosen over a Kubernetes
 * Lease because the database is there already and the lock is released by PostgreSQL the moment the holder's
 * session ends (a crash, a network cut), with no lease duration to tune and no RBAC on leases.
 */
@Component
public class MonitorLeadership implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(MonitorLeadership.class);

  private final Environment environment;
  private final long lockKey;
  private Connection connection;

  public MonitorLeadership(Environment environment, ScalingProperties properties) {
    this.environment = environment;
    this.lockKey = properties.monitorLockKey();
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
            log.info("this replica now runs the backlog monitor (advisory lock {})", lockKey);
            return true;
          }
        }
      }
      candidate.close();
      return false;
    } catch (SQLException e) {
      log.warn("the backlog monitor's lock could not be checked; another replica may run it", e);
      release();
      return false;
    }
  }

  private void release() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("closing the monitor's lock connection failed; PostgreSQL drops the lock with the session", e);
      }
      connection = null;
    }
  }

  @Override
  public synchronized void destroy() {
    release();
  }
}
