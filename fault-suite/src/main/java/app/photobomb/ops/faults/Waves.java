package app.photobomb.ops.faults;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Sends a wave of commands on its own thread while a fault lasts: a producer may block until Kafka is back. */
final class Waves {

  /** What a fault does while the wave is sent; may be interrupted. */
  interface Repair {
    void run() throws InterruptedException;
  }

  private Waves() {
  }

  /** Starts {@code wave}, runs {@code repair} meanwhile, then waits for the wave to be sent. */
  static void during(Runnable wave, Repair repair) throws InterruptedException {
    CompletableFuture<Void> sending = CompletableFuture.runAsync(wave);
    repair.run();
    try {
      sending.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("a wave of commands could not be sent", e.getCause());
    }
  }
}
