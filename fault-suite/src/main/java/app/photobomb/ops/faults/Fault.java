package app.photobomb.ops.faults;

import java.util.List;

/**
 * One kind of fault the suite injects while the load runs, several times per round: it breaks something, lets a wave
 * of commands arrive while it is broken, and repairs it. The round times each injection until the system has caught
 * up again, and asks the fault for checks of its own once the round has settled.
 */
interface Fault {

  /** The table's name of the fault. */
  String name();

  /**
   * Injects the fault for the {@code injection}th time in the round (from 0), runs {@code whileBroken} on another
   * thread while it lasts, and returns once it is repaired (the server or service is back).
   */
  void inject(int injection, Runnable whileBroken) throws Exception;

  /** How many injections make one round. */
  int injectionsPerRound(FaultSettings settings);

  /** The kind of command whose work should be in flight when the fault strikes (sent just before it), if any. */
  default CommandKind strikesDuring() {
    return null;
  }

  /** The fault's own invariants, checked once the round settled (e.g. every poison message dead-lettered). */
  default List<Finding> check(String bootstrapServers) {
    return List.of();
  }
}
