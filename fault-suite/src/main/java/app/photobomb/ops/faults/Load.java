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

  /** Sends the next command of this kind now, out of turn (none when none is left): work in flight for a fault. */
  void sendNext(CommandKind kind) {
    pending.stream().filter(action -> action.kind() == kind).findFirst().ifPresent(action -> {
      pending.remove(action);
      action.send().run();
    });
  }

  void sendRest() {
    while (!pending.isEmpty()) {
      pending.remove(0).send().run();
    }
  }
}
