package app.photobomb.ops.cli.task;

import static app.photobomb.ops.common.events.MessageCatalog.PLATFORM_OPERATION_COMPLETED;
import static app.photobomb.ops.common.events.MessageCatalog.PLATFORM_OPERATION_FAILED;
import static app.photobomb.ops.common.events.MessageCatalog.PLATFORM_OPERATION_PLANNED;
import static app.photobomb.ops.common.events.MessageCatalog.PLATFORM_OPERATION_PROGRESSED;
import static app.photobomb.ops.common.events.MessageCatalog.PLATFORM_OPERATION_ROLLED_BACK;

import app.photobomb.ops.cli.follow.Answer;
import app.photobomb.ops.cli.follow.Reply;
import app.photobomb.ops.cli.follow.Request;
import app.photobomb.ops.common.events.MessageType;
import app.photobomb.ops.common.events.PlatformCommand;
import app.photobomb.ops.common.events.PlatformOperationCompleted;
import app.photobomb.ops.common.events.PlatformOperationPlanned;
import app.photobomb.ops.common.events.PlatformOperationProgressed;
import app.photobomb.ops.common.events.PlatformOperationRolledBack;
import java.util.UUID;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * What the platform-service's four sagas share: a dry run unless {@code --confirm}, the reason, and how their answers
 * read (the plan, each step, the outcome with the failing step).
 */
public final class SagaOptions {

  @Option(names = "--confirm", description = "run the plan, destructive steps included (default: a dry run that "
      + "prints the plan and changes nothing)")
  boolean confirm;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why (audited)")
  String reason;

  final UUID operationId = UUID.randomUUID();

  boolean dryRun() {
    return !confirm;
  }

  /** The saga's command with its replies: planned and progressed go on, completed ends it, failed and rolled back fail it. */
  Request request(MessageType<?> type, PlatformCommand command) {
    return Request.of(type, command,
        Reply.on(PLATFORM_OPERATION_PLANNED, SagaOptions::planned),
        Reply.on(PLATFORM_OPERATION_PROGRESSED, SagaOptions::progressed),
        Reply.on(PLATFORM_OPERATION_COMPLETED, SagaOptions::completed),
        Reply.on(PLATFORM_OPERATION_FAILED, f -> Answer.failed(f.saga() + " failed at step " + f.failedStep() + ": "
            + f.reason())),
        Reply.on(PLATFORM_OPERATION_ROLLED_BACK, SagaOptions::rolledBack));
  }

  private static Answer planned(PlatformOperationPlanned plan) {
    StringBuilder words = new StringBuilder("plan of " + plan.saga() + " " + plan.operationId()
        + (plan.dryRun() ? " (dry run: nothing is changed)" : "") + ":");
    for (int i = 0; i < plan.steps().size(); i++) {
      PlatformOperationPlanned.PlannedStep step = plan.steps().get(i);
      words.append("\n    ").append(i + 1).append(". ").append(step.name()).append(" on ").append(step.resource())
          .append(step.destructive() ? "  [destructive]" : "");
    }
    if (plan.notes() != null) {
      plan.notes().forEach(note -> words.append("\n    note: ").append(note));
    }
    if (plan.startsAt() != null) {
      words.append("\n    starts at ").append(plan.startsAt());
    }
    return Answer.working(words.toString());
  }

  private static Answer progressed(PlatformOperationProgressed step) {
    return Answer.working("step " + step.stepNumber() + "/" + step.stepCount() + " " + step.step() + " "
        + step.status() + (step.detail() == null ? "" : ": " + step.detail()), step.stepNumber(), step.stepCount(),
        "steps");
  }

  private static Answer completed(PlatformOperationCompleted done) {
    if (done.dryRun()) {
      return Answer.completed("dry run of " + done.saga() + " done, nothing changed; run it with --confirm");
    }
    String results = done.results() == null || done.results().isEmpty() ? "" : done.results().entrySet().stream()
        .map(result -> "\n    " + result.getKey() + ": " + result.getValue()).collect(Collectors.joining());
    return Answer.completed(done.summary() + results);
  }

  private static Answer rolledBack(PlatformOperationRolledBack rolledBack) {
    return Answer.failed(rolledBack.saga() + " rolled back: step " + rolledBack.failedStep() + " failed: "
        + rolledBack.reason() + "; undone, newest first: " + String.join(", ", rolledBack.compensatedSteps()));
  }
}
