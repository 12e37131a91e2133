package app.photobomb.ops.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The mixed load of a round, in a shuffled order and sent in waves, so that commands arrive before, during and
 * after each fault: forced deletions, deletions followed by their cancel, exports, purges of thumbnail URLs, reprocess
 * batches.
 */
final class Load {

  private record Action(CommandKind kind, Runnable send) {
  }

  private final List<Action> pending;
  private final List<Action> reserved = new ArrayList<>();
  private final int total;

  Load(CommandSender sender, List<SeededAccount> forced, List<SeededAccount> cancelled, List<SeededAccount> exported,
      List<List<String>> purges, List<SeededAccount> reprocessed, Random random) {
    List<Action> actions = new ArrayList<>();
    reprocessed.forEach(account -> actions.add(new Action(CommandKind.REPROCESS,
        () -> sender.reprocess(account.userId()))));
    purges.forEach(urls -> actions.add(new Action(CommandKind.PURGE, () -> sender.purge(urls))));
    forced.forEach(account -> actions.add(new Action(CommandKind.FORCED_DELETION,
        () -> sender.forcedDeletion(account.userId()))));
    cancelled.forEach(account -> actions.add(new Action(CommandKind.DELETION_THEN_CANCELLED,
        () -> sender.deletionThenCancel(account.userId()))));
    exported.forEach(account -> actions.add(new Action(CommandKind.EXPORT, () -> sender.export(account.userId()))));
    Collections.shuffle(actions, random);
    this.pending = actions;
    this.total = actions.size();
  }

  /** Sends the next wave: {@code 1 / waves} of the load (at least one command group while any is left). */
  void sendWave(int waves) {
    int size = Math.max(1, (int) Math.ceil((double) total / waves));
    for (int i = 0; i < size && !pending.isEmpty(); i++) {
      pending.remove(0).send().run();
    }
  }

  /** Keeps up to {@code count} commands of this kind out of the waves, for {@link #sendNext}. */
  void reserve(CommandKind kind, int count) {
    pending.stream().filter(action -> action.kind() == kind).limit(count).toList().forEach(action -> {
      pending.remove(action);
      reserved.add(action);
    });
  }

  /**
   * Sends a command of this kind now, out of turn: a reserved one, else the next pending one (none when none is
   * left): work in flight for a fault.
   */
  void sendNext(CommandKind kind) {
    List<Action> from = reserved.stream().anyMatch(action -> action.kind() == kind) ? reserved : pending;
    from.stream().filter(action -> action.kind() == kind).findFirst().ifPresent(action -> {
      from.remove(action);
      action.send().run();
    });
  }

  /** Sends whatever is left, the reserved commands too. */
  void sendRest() {
    pending.addAll(reserved);
    reserved.clear();
    while (!pending.isEmpty()) {
      pending.remove(0).send().run();
    }
  }
}
