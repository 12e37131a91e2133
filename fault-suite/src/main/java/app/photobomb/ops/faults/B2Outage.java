package app.photobomb.ops.faults;

import app.photobomb.ops.storage.b2.FakeB2Server;
import java.time.Duration;

/**
 * A B2 outage: every call answered 503 for a while (runbook task 4's trigger). Reads and deletes must wait and retry,
 * writes must not be lost; once B2 is back everything completes, nothing of a deleted account left behind.
 */
final class B2Outage implements Fault {

  private final FakeB2Server b2;
  private final Duration length;

  B2Outage(FakeB2Server b2, Duration length) {
    this.b2 = b2;
    this.length = length;
  }

  @Override
  public String name() {
    return "B2 outage (503s)";
  }

  @Override
  public int injectionsPerRound(FaultSettings settings) {
    return settings.injections();
  }

  @Override
  public void inject(int injection, Runnable whileBroken) throws InterruptedException {
    b2.unavailable(true);
    try {
      Waves.during(whileBroken, () -> Thread.sleep(length.toMillis()));
    } finally {
      b2.unavailable(false);
    }
  }
}
