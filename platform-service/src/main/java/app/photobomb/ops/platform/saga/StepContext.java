package app.photobomb.ops.platform.saga;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What a step knows of its operation: its id, the clock, and the facts steps stored (names and versions, never a
 * secret value), which are committed with the step's outcome and survive a restart.
 */
public final class StepContext {

  static final String RESULT_PREFIX = "result.";

  private final UUID operationId;
  private final Instant now;
  private final Instant stepStartedAt;
  private final Map<String, String> facts;

  StepContext(UUID operationId, Instant now, Instant stepStartedAt, Map<String, String> facts) {
    this.operationId = operationId;
    this.now = now;
    this.stepStartedAt = stepStartedAt;
    this.facts = facts;
  }

  public UUID operationId() {
    return operationId;
  }

  public Instant now() {
    return now;
  }

  /** When this step first ran. */
  public Instant stepStartedAt() {
    return stepStartedAt;
  }

  public Optional<String> fact(String name) {
    return Optional.ofNullable(facts.get(name));
  }

  public void remember(String name, String value) {
    facts.put(name, value);
  }

  public void forget(String name) {
    facts.remove(name);
  }

  /** A fact that the completion event reports in its results too. */
  public void result(String name, String value) {
    facts.put(RESULT_PREFIX + name, value);
  }
}
