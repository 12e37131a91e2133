package app.photobomb.ops.platform.restore;

import app.photobomb.ops.platform.restore.RestoreProperties.RowBounds;
import com.google.api.services.sqladmin.model.DatabaseInstance;
import com.google.api.services.sqladmin.model.IpMapping;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/** The configured SQL checks of a restored database, over JDBC to the instance's address. */
@Component
class Validation {

  private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?");

  private final RestoreProperties properties;

  Validation(RestoreProperties properties) {
    this.properties = properties;
    properties.rowCounts().keySet().forEach(table -> {
      if (!TABLE.matcher(table).matches()) {
        throw new IllegalArgumentException("photobomb.platform.restore.row-counts: not a table name: " + table);
      }
    });
  }

  /** The checks' outcome: the failed ones by name (empty: valid), and what was measured. */
  record Report(Map<String, String> failures, String measured) {

    boolean valid() {
      return failures.isEmpty();
    }
  }

  String jdbcUrl(DatabaseInstance instance) {
    List<IpMapping> addresses = instance.getIpAddresses() == null ? List.of() : instance.getIpAddresses();
    String ip = addresses.stream().filter(address -> "PRIVATE".equals(address.getType())).findFirst()
        .or(() -> addresses.stream().findFirst()).map(IpMapping::getIpAddress).orElse("");
    return properties.jdbcUrlTemplate().replace("{ip}", ip).replace("{instance}", instance.getName())
        .replace("{connectionName}", String.valueOf(instance.getConnectionName()));
  }

  String schemaVersion(DatabaseInstance instance) throws SQLException {
    try (Connection connection = connect(instance); Statement statement = connection.createStatement()) {
      return single(statement, properties.schemaVersionQuery());
    }
  }

  /**
   * Runs every check against the instance: schema version equal to {@code expectedSchemaVersion}, row counts within
   * bounds, newest upload not older than {@code backupStart} minus the tolerance.
   */
  Report check(DatabaseInstance instance, String expectedSchemaVersion, Instant backupStart) throws SQLException {
    Map<String, String> failures = new TreeMap<>();
    List<String> measured = new ArrayList<>();
    try (Connection connection = connect(instance); Statement statement = connection.createStatement()) {
      String version = single(statement, properties.schemaVersionQuery());
      measured.add("schema version " + version);
      if (!String.valueOf(version).equals(expectedSchemaVersion)) {
        failures.put("schema-version", "schema version " + version + ", expected " + expectedSchemaVersion);
      }
      properties.rowCounts().forEach((table, bounds) -> countCheck(statement, table, bounds, failures, measured));
      Timestamp newest;
      try (ResultSet row = statement.executeQuery(properties.newestPhotoQuery())) {
        newest = row.next() ? row.getTimestamp(1) : null;
      }
      Instant oldestAllowed = backupStart.minus(properties.freshnessTolerance());
      measured.add("newest upload " + (newest == null ? "none" : newest.toInstant()));
      if (newest == null || newest.toInstant().isBefore(oldestAllowed)) {
        failures.put("newest-photo", "newest upload " + (newest == null ? "none" : newest.toInstant())
            + " is older than the backup's start " + backupStart + " minus " + properties.freshnessTolerance()
            + ": the restored data is older than the backup it came from");
      }
    }
    return new Report(failures, String.join(", ", measured));
  }

  private static void countCheck(Statement statement, String table, RowBounds bounds, Map<String, String> failures,
      List<String> measured) {
    long count;
    try {
      count = Long.parseLong(single(statement, "SELECT count(*) FROM " + table));
    } catch (SQLException e) {
      failures.put("row-count:" + table, "could not count " + table + ": " + e.getMessage());
      return;
    }
    measured.add(table + " " + count + " rows");
    if ((bounds.min() != null && count < bounds.min()) || (bounds.max() != null && count > bounds.max())) {
      failures.put("row-count:" + table, table + " has " + count + " rows, outside [" + bounds.min() + ", "
          + bounds.max() + "]");
    }
  }

  private Connection connect(DatabaseInstance instance) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(instance), properties.jdbcUsername(), properties.jdbcPassword());
  }

  private static String single(Statement statement, String query) throws SQLException {
    try (ResultSet row = statement.executeQuery(query)) {
      return row.next() ? row.getString(1) : null;
    }
  }
}
