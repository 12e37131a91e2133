package app.photobomb.ops.platform.rollback;

import app.photobomb.ops.platform.saga.Step;
import app.photobomb.ops.platform.saga.StepContext;
import app.photobomb.ops.platform.saga.StepOutcome;
import java.time.Duration;

/**
 * The runbook's "monitor for 15 minutes" made automatic: a check every interval, one per run of the step, counted
 * in the facts so that a restart goes on counting; verified after {@code checks} checks with at most the failure
 * limit failed, failed at the first failed check beyond it. A failure keeps the rollback in place: the release it
 * left is the one that was broken, so routing back to it would not help.
 */
record Verify(ReleaseHealth health, RollbackProperties properties, int checks, String resource) implements Step {

  private static final String CHECKS = "verify.checks";
  private static final String FAILURES = "verify.failures";
  private static final String LAST_FAILURE = "verify.lastFailure";

  @Override
  public String name() {
    return "verify";
  }

  @Override
  public StepOutcome run(StepContext context) throws InterruptedException {
    int done = count(context, CHECKS);
    int failed = count(context, FAILURES);
    ReleaseHealth.Check check = health.check();
    done++;
    if (!check.passed()) {
      failed++;
      context.remember(LAST_FAILURE, "check " + done + ": " + check.detail());
    }
    context.remember(CHECKS, Integer.toString(done));
    context.remember(FAILURES, Integer.toString(failed));
    String target = context.fact(TrafficSteps.TARGET).orElse("?");
    if (failed > properties.failureLimit()) {
      return StepOutcome.fail("the rolled-back release did not verify: " + failed + " of " + done + " checks failed "
          + "(failure limit " + properties.failureLimit() + "), last " + context.fact(LAST_FAILURE).orElse("")
          + ". Traffic stays on " + target + " and the workers stay rolled back: routing back to "
          + context.fact(TrafficSteps.SERVING).orElse("the release rolled back from")
          + " would restore the release that was rolled back from, so the previous release is most likely bad too "
          + "(or something they share: the database, a dependency). Look at its logs and error rate, then roll to "
          + "an older revision (revision: ...) or deploy a fix");
    }
    if (done >= checks) {
      context.result("verified", "true");
      context.result("checks", Integer.toString(done));
      context.result("failures", Integer.toString(failed));
      return StepOutcome.done("verified: " + done + " checks, " + failed + " failed (limit "
          + properties.failureLimit() + ")");
    }
    return StepOutcome.waitFor(properties.checkInterval(), "check " + done + " of " + checks + " "
        + (check.passed() ? "passed" : "failed") + ": " + check.detail());
  }

  @Override
  public boolean failureKeepsEffects() {
    return true;
  }

  @Override
  public Duration timeout() {
    // the checks' own time, plus room for a service restart in between
    return properties.checkInterval().multipliedBy(checks + 1L).plus(properties.checkTimeout().multipliedBy(2L * checks))
        .plus(Duration.ofMinutes(30));
  }

  private static int count(StepContext context, String fact) {
    return context.fact(fact).map(Integer::parseInt).orElse(0);
  }
}
