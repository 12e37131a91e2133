package app.photobomb.ops.scaling.domain;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Serializes the decisions about one deployment across consumers and replicas: backlog-detected and -cleared come on
 * two topics, so without it two handlers read the same replicas and both scale. A PostgreSQL transaction-level
 * advisory lock, taken in the handler's transaction and released at its commit, after the audit row and the answer.
 */
@Component
public class DeploymentLock {

  private final JdbcTemplate jdbc;

  public DeploymentLock(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Waits until no other transaction decides about the deployment, and holds it until this one ends. */
  public void lock(String namespace, String deployment) {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("a deployment is locked inside the handler's transaction");
    }
    // keyed as common's AccountLocks are, in a namespace of its own
    jdbc.queryForList("SELECT pg_advisory_xact_lock(hashtextextended('photobomb-scaling:' || ?, 0))", Object.class,
        namespace + "/" + deployment);
  }
}
