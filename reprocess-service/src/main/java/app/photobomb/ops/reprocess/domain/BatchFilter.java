package app.photobomb.ops.reprocess.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Which photos a batch selects (every condition given must hold): processed before an instant, of some users, or
 * some photos. Photos of soft-deleted or deleted users are never selected.
 */
public record BatchFilter(Instant processedBefore, List<UUID> userIds, List<UUID> photoIds) {

  /** The SQL conditions on {@code p} (photos) and their parameters, in order. */
  public Conditions conditions() {
    StringBuilder sql = new StringBuilder();
    List<Object> parameters = new ArrayList<>();
    if (processedBefore != null) {
      sql.append(" AND p.processed_at < ?");
      parameters.add(java.sql.Timestamp.from(processedBefore));
    }
    if (userIds != null) {
      sql.append(" AND p.user_id = ANY (?::uuid[])");
      parameters.add(userIds.toArray(UUID[]::new));
    }
    if (photoIds != null) {
      sql.append(" AND p.photo_id = ANY (?::uuid[])");
      parameters.add(photoIds.toArray(UUID[]::new));
    }
    return new Conditions(sql.toString(), parameters);
  }

  /** SQL to append after a WHERE, with its parameters. */
  public record Conditions(String sql, List<Object> parameters) {
  }
}
