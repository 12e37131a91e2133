package app.photobomb.ops.common.messaging;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells an outage of the database (wait, redeliver, keep the records) from a failure of a record's handling
 * (retry a few times, then dead-letter). The SQLSTATE decides, not Spring's exception type: Spring maps class 54
 * (program limit exceeded, e.g. an over-long key) to the same DataAccessResourceFailureException as a lost
 * connection, but only the latter goes away by waiting.
 */
final class Failures {

  private Failures() {
  }

  /**
   * True for SQLSTATE class 08 (connection exception), 53 (insufficient resources) and 57P (operator
   * intervention: shutdown, crash, cannot connect now), and for the failures to get a connection or start a
   * transaction that carry no SQLSTATE (pool timeout, connection refused).
   */
  static boolean isOutage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CannotGetJdbcConnectionException || t instanceof CannotCreateTransactionException
          || t instanceof SQLTransientConnectionException || t instanceof ConnectException) {
        return true;
      }
      // A lost connection also fails the rollback, whose exception then hides the cause behind "rollback failed".
      if (t instanceof TransactionSystemException rollback && rollback.getApplicationException() != null
          && isOutage(rollback.getApplicationException())) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return isOutageState(sql.getSQLState());
      }
    }
    return false;
  }

  static boolean isOutageState(String sqlState) {
    return sqlState.startsWith("08") || sqlState.startsWith("53") || sqlState.startsWith("57P");
  }

  static String describe(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = failure.getClass().getSimpleName() + ": " + failure.getMessage();
    return root == failure ? text : text + " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }
}
