package app.photobomb.ops.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * What every service shows on start: against the real servers it migrates its database, binds its consumers
 * and reports itself healthy, with Prometheus metrics; and it connects with its own least-privilege role, which may
 * not change the schema nor do what the service has no business doing. A service's test extends this with its
 * {@code @SpringBootTest(webEnvironment = RANDOM_PORT)} and a {@code @DynamicPropertySource} that calls
 * {@link RealServers#register} with the same {@link #role()}.
 */
@ExtendWith(RealServersExtension.class)
public abstract class ServiceHealthContract {

  /** SQLSTATE insufficient_privilege. */
  private static final String PERMISSION_DENIED = "42501";

  @Value("${local.server.port}")
  int port;

  @Autowired
  DataSource dataSource;

  /** The role the service connects with. */
  protected abstract DatabaseRole role();

  /** A statement the service's role must be refused: one its code has no business running. */
  protected abstract String forbiddenStatement();

  @Test
  void startsAndReportsHealthy() {
    ServiceProbe.Response health = ServiceProbe.get(port, "/healthz");

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
    assertThat(ServiceProbe.get(port, "/healthz/readiness").status()).isEqualTo(200);
    assertThat(ServiceProbe.get(port, "/prometheus").body()).contains("jvm_memory_used_bytes");
  }

  @Test
  void connectsWithItsOwnRoleWhichCanNeitherChangeTheSchemaNorOverstepIt() throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      try (ResultSet user = statement.executeQuery("SELECT current_user")) {
        assertThat(user.next()).isTrue();
        assertThat(user.getString(1)).isEqualTo(role().roleName());
      }
      assertRefused(statement, "CREATE TABLE intruder (id integer)");
      assertRefused(statement, "DROP TABLE outbox");
      assertRefused(statement, forbiddenStatement());
    }
  }

  private static void assertRefused(Statement statement, String sql) {
    // "must be owner" (DROP) is 42501 as well
    assertThatExceptionOfType(SQLException.class).as(sql).isThrownBy(() -> statement.execute(sql))
        .satisfies(refused -> assertThat(refused.getSQLState()).as(refused.getMessage()).isEqualTo(PERMISSION_DENIED));
  }
}
