package app.photobomb.ops.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.TransactionSystemException;

/** Which failures are database outages (wait and redeliver) and which are a record's (retry, then dead-letter). */
class FailuresTest {

  @ParameterizedTest
  @ValueSource(strings = {"08000", "08001", "08006", "53000", "53100", "53200", "53300", "57P01", "57P02", "57P03"})
  void connectionResourceAndShutdownStatesAreOutages(String sqlState) {
    assertThat(Failures.isOutage(translated(sqlState))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"54000", "54001", "54011", "57014", "23505", "22001", "40001", "40P01", "42P01"})
  void programLimitsCancelsAndDataErrorsAreTheRecordsFault(String sqlState) {
    assertThat(Failures.isOutage(translated(sqlState))).isFalse();
  }

  @Test
  void failuresToGetAConnectionWithoutSqlStateAreOutages() {
    assertThat(Failures.isOutage(new CannotGetJdbcConnectionException("pool",
        new SQLTransientConnectionException("HikariPool-1 - Connection is not available, request timed out"))))
        .isTrue();
    assertThat(Failures.isOutage(new IllegalStateException("wrapped", new ConnectException("Connection refused"))))
        .isTrue();
  }

  @Test
  void aConnectionLostMidTransactionIsAnOutageThoughItsRollbackFailedToo() {
    TransactionSystemException rollbackFailed = new TransactionSystemException("JDBC rollback failed",
        new SQLException("Connection is closed"));
    rollbackFailed.initApplicationException(translated("08006"));

    assertThat(Failures.isOutage(rollbackFailed)).isTrue();
  }

  @Test
  void aHandlersOwnExceptionIsNoOutage() {
    assertThat(Failures.isOutage(new IllegalStateException("the handler failed on purpose"))).isFalse();
  }

  /** As Spring translates it: class 54 and 08 both become DataAccessResourceFailureException. */
  private static DataAccessResourceFailureException translated(String sqlState) {
    return new DataAccessResourceFailureException("statement failed", new SQLException("ERROR", sqlState));
  }
}
