package app.photobomb.ops.platform.saga;

import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PlatformCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;

/**
 * Crashes and failures at chosen steps of the real sagas, for the tests' fault matrices. Every saga bean is wrapped
 * so that, for the operations a test names, a step's transaction dies before the step runs (a restart between two
 * steps) and again after its effect but before its commit (a crash in the step: its facts and outcome are lost and
 * the step runs again), or the step runs and then fails (its effect happened: the compensation must reverse it).
 * Import it with {@code @Import(StepFaults.class)}; it wraps what the runner runs, not the plan events.
 */
@TestConfiguration(proxyBeanMethods = false)
public class StepFaults implements BeanPostProcessor {

  private final Set<UUID> crashing = ConcurrentHashMap.newKeySet();
  private final Map<UUID, String> failing = new ConcurrentHashMap<>();
  private final Set<String> crashed = ConcurrentHashMap.newKeySet();

  /** Kills the operation's transaction once before and once after every step it runs, undo included. */
  public void crashAroundEveryStep(UUID operationId) {
    crashing.add(operationId);
  }

  /** Runs the step once and then fails it, as a step that did its effect and then timed out would. */
  public void failAfterItRuns(UUID operationId, String step) {
    failing.put(operationId, step);
  }

  /** The crashes so far: operation/step/phase, e.g. {@code <id>/patch-instance/after-run}. */
  public Set<String> crashes() {
    return Set.copyOf(crashed);
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    // the runner finds its sagas here; the consumers' plan events keep the real ones
    return bean instanceof Sagas sagas ? new Sagas(sagas.all().stream().<Saga<?>>map(this::faulty).toList()) : bean;
  }

  private <C extends PlatformCommand> Saga<C> faulty(Saga<C> saga) {
    return new Saga<>() {
      @Override
      public String name() {
        return saga.name();
      }

      @Override
      public MessageType<C> commandType() {
        return saga.commandType();
      }

      @Override
      public Optional<String> refusal(C command) {
        return saga.refusal(command);
      }

      @Override
      public Plan plan(C command) {
        Plan plan = saga.plan(command);
        return new Plan(plan.steps().stream().map(FaultyStep::new).map(Step.class::cast).toList(), plan.startsAt());
      }

      @Override
      public List<String> notes(C command, Plan plan) {
        return saga.notes(command, plan);
      }
    };
  }

  /** A transaction killed as a crash would kill it: an Error, which the runner does not catch, rolls it back. */
  public static final class SimulatedCrash extends Error {
    SimulatedCrash(String where) {
      super("simulated crash " + where);
    }
  }

  private final class FaultyStep implements Step {
    private final Step step;

    FaultyStep(Step step) {
      this.step = step;
    }

    @Override
    public String name() {
      return step.name();
    }

    @Override
    public String resource() {
      return step.resource();
    }

    @Override
    public boolean destructive() {
      return step.destructive();
    }

    @Override
    public boolean undoable() {
      return step.undoable();
    }

    @Override
    public boolean failureKeepsEffects() {
      return step.failureKeepsEffects();
    }

    @Override
    public Duration timeout() {
      return step.timeout();
    }

    @Override
    public StepOutcome run(StepContext context) throws Exception {
      crashOnce(context, "before-run");
      StepOutcome outcome = step.run(context);
      crashOnce(context, "after-run");
      // remove(key, value): only the named step consumes the failure, not the first step that runs
      if (failing.remove(context.operationId(), step.name())) {
        return StepOutcome.fail("injected failure after " + step.name() + " ran");
      }
      return outcome;
    }

    @Override
    public StepOutcome undo(StepContext context) throws Exception {
      crashOnce(context, "before-undo");
      StepOutcome outcome = step.undo(context);
      crashOnce(context, "after-undo");
      return outcome;
    }

    private void crashOnce(StepContext context, String phase) {
      String where = context.operationId() + "/" + step.name() + "/" + phase;
      if (crashing.contains(context.operationId()) && crashed.add(where)) {
        throw new SimulatedCrash(where);
      }
    }
  }
}
