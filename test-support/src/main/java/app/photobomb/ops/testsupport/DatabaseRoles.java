package app.photobomb.ops.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Gives a database the roles and privileges production has, from the files an operator runs with psql
 * ({@code deploy/database/roles.sql}, then {@code photobomb-grants.sql}), and a password per role.
 */
public final class DatabaseRoles {

  private static final String ROLES = "deploy/database/roles.sql";
  private static final String PHOTOBOMB_GRANTS = "deploy/database/photobomb-grants.sql";

  private DatabaseRoles() {
  }

  /**
   * Runs both files on the database of {@code admin} (a superuser's connection), whose photobomb schema must exist.
   */
  public static void apply(Connection admin) {
    createRoles(admin);
    run(admin, PHOTOBOMB_GRANTS);
  }

  /** Runs roles.sql only (what docker compose runs before any table exists) and sets the passwords. */
  public static void createRoles(Connection admin) {
    // roles belong to the whole server: concurrent callers on one server are serialised
    synchronized (DatabaseRoles.class) {
      run(admin, ROLES);
      try (Statement statement = admin.createStatement()) {
        for (DatabaseRole role : DatabaseRole.values()) {
          statement.execute("ALTER ROLE " + role.roleName() + " PASSWORD '" + role.password() + "'");
        }
      } catch (SQLException e) {
        throw new IllegalStateException("could not set the roles' passwords", e);
      }
    }
  }

  private static void run(Connection admin, String file) {
    try (Statement statement = admin.createStatement()) {
      statement.execute(read(file));
    } catch (SQLException e) {
      throw new IllegalStateException("could not run " + file, e);
    }
  }

  private static String read(String resource) {
    try (InputStream in = DatabaseRoles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
