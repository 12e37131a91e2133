package app.photobomb.ops.relay;

import java.net.URI;

/** Host, port and database of a {@code jdbc:postgresql://host:port/database} URL. */
public record JdbcUrl(String host, int port, String database) {

  public static JdbcUrl parse(String jdbcUrl) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql://")) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
    }
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
    String path = uri.getPath();
    if (path == null || path.length() <= 1) {
      throw new IllegalArgumentException("no database in JDBC URL: " + jdbcUrl);
    }
    return new JdbcUrl(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), path.substring(1));
  }
}
