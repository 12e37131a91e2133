package app.photobomb.ops.platform.saga;

import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.events.PlatformCommand;
import app.photobomb.ops.common.events.PlatformOperationCompleted;
import app.photobomb.ops.common.events.PlatformOperationFailed;
import app.photobomb.ops.common.events.PlatformOperationProgressed;
import app.photobomb.ops.common.events.PlatformOperationRolledBack;
import app.photobomb.ops.common.messaging.Outbox;
import app.photobomb.ops.common.messaging.PayloadCodec;
import app.photobomb.ops.platform.config.PlatformProperties;
import app.photobomb.ops.platform.saga.Operation.Status;
import app.photobomb.ops.platform.saga.StepOutcome.Done;
import app.photobomb.ops.platform.saga.StepOutcome.Fail;
import app.photobomb.ops.platform.saga.StepOutcome.Wait;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes the due step of each running saga, one step per transaction: the row is locked (FOR UPDATE SKIP LOCKED,
 * so replicas share the work and never run one operation twice at once), the step runs, and its outcome, facts,
 * audit row and progress event commit together. A crash loses at most the step in hand, which runs again and
 * finds its own effect done. A failed step undoes the undoable steps before it, newest first.
 */
@Component
public class SagaRunner {

  private static final Logger log = LoggerFactory.getLogger(SagaRunner.class);
  private static final String COMPENSATED = "compensated";
  /** At most this many steps per pass, so that one pass ends even while sagas keep becoming due. */
  private static final int STEPS_PER_PASS = 100;

  private final Operations operations;
  private final Sagas sagas;
  private final Outbox outbox;
  private final AuditLog audit;
  private final PayloadCodec codec;
  private final TransactionTemplate transactions;
  private final PlatformProperties properties;
  private final MeterRegistry metrics;
  private final Clock clock;

  SagaRunner(Operations operations, Sagas sagas, Outbox outbox, AuditLog audit, PayloadCodec codec,
      TransactionTemplate transactions, PlatformProperties properties, MeterRegistry metrics, Clock clock) {
    this.operations = operations;
    this.sagas = sagas;
    this.outbox = outbox;
    this.audit = audit;
    this.codec = codec;
    this.transactions = transactions;
    this.properties = properties;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Runs due steps until none is due (or a pass's worth ran). */
  public void runDue() {
    for (int i = 0; i < STEPS_PER_PASS; i++) {
      Boolean ran = transactions.execute(status -> operations.claimDue(clock.instant()).map(this::advance).isPresent());
      if (!Boolean.TRUE.equals(ran)) {
        return;
      }
    }
  }

  private Operation advance(Operation operation) {
    Saga<?> saga = sagas.named(operation.saga());
    Running running = new Running(operation, saga, planOf(saga, operation));
    if (operation.status() == Status.RUNNING) {
      running.forward();
    } else {
      running.backward();
    }
    return operation;
  }

  private <C extends PlatformCommand> Plan planOf(Saga<C> saga, Operation operation) {
    return saga.plan(codec.decode(saga.commandType(), operation.command().getBytes(StandardCharsets.UTF_8)));
  }

  /** One operation's step in hand. */
  private final class Running {
    private final Operation operation;
    private final Saga<?> saga;
    private final Plan plan;
    private final Instant now = clock.instant();

    Running(Operation operation, Saga<?> saga, Plan plan) {
      this.operation = operation;
      this.saga = saga;
      this.plan = plan;
    }

    void forward() {
      int index = operation.stepIndex();
      Step step = plan.steps().get(index);
      Instant started = operation.stepStartedAt() == null ? now : operation.stepStartedAt();
      if (now.isAfter(started.plus(step.timeout()))) {
        failAt(index, step.name() + " did not finish within " + step.timeout() + "; see its facts: "
            + operation.facts().keySet());
        return;
      }
      StepOutcome outcome;
      try {
        outcome = step.run(context(started));
      } catch (Exception e) {
        retryOrFail(index, step, started, e, false);
        return;
      }
      if (outcome instanceof Done done) {
        record(index, step, "done", done.detail());
        if (index + 1 == plan.steps().size()) {
          finish(Status.COMPLETED, index, null, null);
          outbox.emit(new PlatformOperationCompleted(operation.operationId(), saga.name(), false,
              saga.name() + " completed: " + plan.steps().size() + " steps done", results()), correlationId());
          metrics.counter("photobomb.platform.operations", "saga", saga.name(), "outcome", "completed").increment();
        } else {
          save(Status.RUNNING, index + 1, 0, null, null, null, now);
        }
      } else if (outcome instanceof Wait wait) {
        save(Status.RUNNING, index, operation.attempts(), started, null, null, now.plus(wait.delay()));
      } else {
        failAt(index, ((Fail) outcome).reason());
      }
    }

    void backward() {
      int index = operation.stepIndex();
      while (index >= 0 && !plan.steps().get(index).undoable()) {
        index--;
      }
      if (index < 0) {
        finish(Status.ROLLED_BACK, -1, operation.failedStep(), operation.reason());
        outbox.emit(new PlatformOperationRolledBack(operation.operationId(), saga.name(), operation.failedStep(),
            operation.reason(), compensated()), correlationId());
        metrics.counter("photobomb.platform.operations", "saga", saga.name(), "outcome", "rolled_back").increment();
        return;
      }
      Step step = plan.steps().get(index);
      Instant started = operation.stepStartedAt() == null ? now : operation.stepStartedAt();
      StepOutcome outcome;
      try {
        outcome = step.undo(context(started));
      } catch (Exception e) {
        retryOrFail(index, step, started, e, true);
        return;
      }
      if (outcome instanceof Done done) {
        record(index, step, COMPENSATED, done.detail());
        List<String> undone = new ArrayList<>(compensated());
        undone.add(step.name());
        operation.facts().put(COMPENSATED, String.join(",", undone));
        save(Status.COMPENSATING, index - 1, 0, null, operation.failedStep(), operation.reason(), now);
      } else if (outcome instanceof Wait wait) {
        save(Status.COMPENSATING, index, operation.attempts(), started, operation.failedStep(), operation.reason(),
            now.plus(wait.delay()));
      } else {
        undoFailed(step, ((Fail) outcome).reason());
      }
    }

    private void retryOrFail(int index, Step step, Instant started, Exception error, boolean undoing) {
      int attempts = operation.attempts() + 1;
      String what = (undoing ? "undoing " : "") + step.name();
      if (attempts < properties.maxAttempts()) {
        Duration backoff = backoff(attempts);
        log.warn("{} {}: {} failed (attempt {} of {}), again in {}: {}", saga.name(), operation.operationId(), what,
            attempts, properties.maxAttempts(), backoff, error.toString());
        save(operation.status(), index, attempts, started, operation.failedStep(), operation.reason(),
            now.plus(backoff));
        return;
      }
      log.error("{} {}: {} failed {} times", saga.name(), operation.operationId(), what, attempts, error);
      String reason = what + " failed " + attempts + " times, last: " + error.getMessage();
      if (undoing) {
        undoFailed(step, reason);
      } else {
        failAt(index, reason);
      }
    }

    /**
     * Stops going forward: undoes what can be undone (this step included: its undo is safe if it did nothing), unless
     * the failed step keeps the effects in place.
     */
    private void failAt(int index, String reason) {
      String failedStep = plan.steps().get(index).name();
      log.warn("{} {} failed at {}: {}", saga.name(), operation.operationId(), failedStep, reason);
      audit.record(null, "platform." + saga.name() + ".failed", requestedBy(),
          Map.of("operationId", operation.operationId().toString(), "step", failedStep, "reason", reason));
      boolean anythingToUndo = !plan.steps().get(index).failureKeepsEffects()
          && plan.steps().subList(0, index + 1).stream().anyMatch(Step::undoable);
      if (anythingToUndo) {
        save(Status.COMPENSATING, index, 0, null, failedStep, reason, now);
        return;
      }
      finish(Status.FAILED, index, failedStep, reason);
      outbox.emit(new PlatformOperationFailed(operation.operationId(), saga.name(), failedStep, reason),
          correlationId());
      metrics.counter("photobomb.platform.operations", "saga", saga.name(), "outcome", "failed").increment();
    }

    private void undoFailed(Step step, String reason) {
      String full = operation.reason() + "; undoing " + step.name() + " failed too (" + reason
          + "): undo it by hand, then the steps before it: " + plan.steps().subList(0, operation.stepIndex()).stream()
          .filter(Step::undoable).map(Step::name).toList();
      finish(Status.FAILED, operation.stepIndex(), operation.failedStep(), full);
      outbox.emit(new PlatformOperationFailed(operation.operationId(), saga.name(), operation.failedStep(), full),
          correlationId());
      metrics.counter("photobomb.platform.operations", "saga", saga.name(), "outcome", "failed").increment();
    }

    private void record(int index, Step step, String status, String detail) {
      audit.record(null, "platform." + saga.name() + "." + step.name() + "." + status, requestedBy(),
          Map.of("operationId", operation.operationId().toString(), "step", step.name(), "resource", step.resource(),
              "detail", String.valueOf(detail)));
      outbox.emit(new PlatformOperationProgressed(operation.operationId(), saga.name(), step.name(), index + 1,
          plan.steps().size(), status, detail), correlationId());
      log.info("{} {}: step {}/{} {} {}: {}", saga.name(), operation.operationId(), index + 1, plan.steps().size(),
          step.name(), status, detail);
    }

    private StepContext context(Instant started) {
      return new StepContext(operation.operationId(), now, started, operation.facts());
    }

    private void finish(Status status, int index, String failedStep, String reason) {
      save(status, index, 0, null, failedStep, reason, now);
    }

    private void save(Status status, int index, int attempts, Instant started, String failedStep, String reason,
        Instant nextRunAt) {
      operations.save(new Operation(operation.operationId(), operation.saga(), operation.command(),
          operation.correlationId(), status, index, operation.facts(), attempts, started, failedStep, reason),
          nextRunAt);
    }

    private Map<String, String> results() {
      Map<String, String> results = new TreeMap<>();
      operation.facts().forEach((name, value) -> {
        if (name.startsWith(StepContext.RESULT_PREFIX)) {
          results.put(name.substring(StepContext.RESULT_PREFIX.length()), value);
        }
      });
      return results;
    }

    private List<String> compensated() {
      String undone = operation.facts().get(COMPENSATED);
      return undone == null ? List.of() : Arrays.asList(undone.split(","));
    }

    private String correlationId() {
      return operation.correlationId();
    }

    private String requestedBy() {
      return codec.readTree(operation.command()).path("requestedBy").asString();
    }
  }

  private Duration backoff(int attempts) {
    Duration doubled = Duration.ofSeconds(1L << Math.min(attempts - 1, 20));
    return doubled.compareTo(properties.maxBackoff()) > 0 ? properties.maxBackoff() : doubled;
  }
}
