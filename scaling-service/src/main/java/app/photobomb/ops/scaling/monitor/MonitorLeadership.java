package app.photobomb.ops.scaling.monitor;

import app.photobomb.ops.common.database.LeaderLock;
import app.photobomb.ops.scaling.config.ScalingProperties;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Elects the one active backlog monitor among the replicas (common's advisory-lock leader lock). Chosen over a
 * Kubernetes Lease because the database is there already and PostgreSQL releases the lock the moment the holder's
 * session ends, with no lease duration to tune and no RBAC on leases.
 */
@Component
public class MonitorLeadership extends LeaderLock {

  public MonitorLeadership(Environment environment, ScalingProperties properties) {
    super(environment, properties.monitorLockKey(), "the backlog monitor");
  }
}
