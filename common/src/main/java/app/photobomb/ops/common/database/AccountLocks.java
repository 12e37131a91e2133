package app.photobomb.ops.common.database;

import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A transaction-scoped advisory lock per account, shared by the services: the hard delete holds it exclusively
 * while it deletes the account's rows, and a flow that must not finish for a deleted account (an export's link)
 * holds it shared while it re-checks the users row. An advisory lock needs no privilege on the users table, so a
 * service that may only read it can still wait for a hard delete in flight. Taken after the users row lock.
 */
public final class AccountLocks {

  private static final String KEY = "hashtextextended('photobomb-account:' || ?::text, 0)";

  private AccountLocks() {
  }

  /** Waits until no other transaction holds the account's lock, then holds it alone until this one ends. */
  public static void exclusive(JdbcTemplate jdbc, UUID userId) {
    jdbc.queryForList("SELECT pg_advisory_xact_lock(" + KEY + ")", Object.class, userId);
  }

  /** Waits until no transaction holds the account's lock alone, then holds it shared until this one ends. */
  public static void shared(JdbcTemplate jdbc, UUID userId) {
    jdbc.queryForList("SELECT pg_advisory_xact_lock_shared(" + KEY + ")", Object.class, userId);
  }
}
