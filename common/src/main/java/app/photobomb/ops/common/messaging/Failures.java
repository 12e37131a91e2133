package app.photobomb.ops.common.messaging;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/** Tells failures of the infrastructure (retry later, keep the records) from failures of a record's handling. */
final class Failures {

  private Failures() {
  }

  static boolean isInfrastructure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CannotGetJdbcConnectionException || t instanceof CannotCreateTransactionException
          || t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessResourceException) {
        return true;
      }
    }
    return false;
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
