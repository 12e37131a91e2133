package app.photobomb.ops.localstack;

import java.util.List;
import java.util.UUID;

/**
 * What {@link DemoData#load} left in the database: the demo users, and whether this call inserted them.
 *
 * @param users the demo users in catalogue order
 * @param created true when this call inserted the data, false when it was already there
 */
public record DemoSummary(List<DemoUser> users, boolean created) {

  public DemoSummary {
    users = List.copyOf(users);
  }

  /** One demo user: its id, its email and how many photos it owns. */
  public record DemoUser(UUID userId, String email, int photoCount) {}
}
