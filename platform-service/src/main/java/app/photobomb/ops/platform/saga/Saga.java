package app.photobomb.ops.platform.saga;

import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PlatformCommand;
import java.util.List;
import java.util.Optional;

/** A runbook task as a saga: the command it answers and the plan it makes of one. */
public interface Saga<C extends PlatformCommand> {

  /** Its name in events and audit rows: restore, secret-rotation, rollback, database-resize. */
  String name();

  MessageType<C> commandType();

  /** Why the command cannot be planned at all (a bad combination of fields), empty when it can. */
  default Optional<String> refusal(C command) {
    return Optional.empty();
  }

  Plan plan(C command);

  /**
   * What a person should know before confirming: costs, downtime, what is kept for a rollback. Made once, when
   * the command is planned; it may read the resources (a failed read is a note too).
   */
  default List<String> notes(C command, Plan plan) {
    return List.of();
  }
}
