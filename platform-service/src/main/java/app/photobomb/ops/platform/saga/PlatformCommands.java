package app.photobomb.ops.platform.saga;

import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.events.PlatformCommand;
import app.photobomb.ops.common.events.PlatformOperationCompleted;
import app.photobomb.ops.common.events.PlatformOperationFailed;
import app.photobomb.ops.common.events.PlatformOperationPlanned;
import app.photobomb.ops.common.messaging.HandlingContext;
import app.photobomb.ops.common.messaging.MessageHandler;
import app.photobomb.ops.common.messaging.PayloadCodec;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Answers a platform command with its plan, in the inbox transaction: a dry run ends there, a destructive plan
 * without {@code confirm} is refused, anything else is recorded for the runner, which takes the steps.
 */
@Component
public class PlatformCommands {

  private static final Logger log = LoggerFactory.getLogger(PlatformCommands.class);

  private final Operations operations;
  private final AuditLog audit;
  private final PayloadCodec codec;
  private final Clock clock;

  PlatformCommands(Operations operations, AuditLog audit, PayloadCodec codec, Clock clock) {
    this.operations = operations;
    this.audit = audit;
    this.codec = codec;
    this.clock = clock;
  }

  /** The inbox handler of one saga's command. */
  public <C extends PlatformCommand> MessageHandler<C> handlerOf(Saga<C> saga) {
    return (command, context) -> accept(saga, command, context);
  }

  private <C extends PlatformCommand> void accept(Saga<C> saga, C command, HandlingContext context) {
    Optional<String> refusal = saga.refusal(command);
    if (refusal.isPresent()) {
      context.emit(new PlatformOperationFailed(command.operationId(), saga.name(), "plan", refusal.get()));
      return;
    }
    Plan plan = saga.plan(command);
    context.emit(new PlatformOperationPlanned(command.operationId(), saga.name(), command.dryRun(), plan.described(),
        saga.notes(command, plan), plan.startsAt()));
    if (command.dryRun()) {
      auditPlan(saga, command, "dry_run");
      context.emit(new PlatformOperationCompleted(command.operationId(), saga.name(), true,
          "dry run: " + plan.steps().size() + " steps planned, nothing changed", Map.of()));
      return;
    }
    if (plan.destructive() && !command.confirm()) {
      auditPlan(saga, command, "refused_unconfirmed");
      context.emit(new PlatformOperationFailed(command.operationId(), saga.name(), "plan",
          "the plan has destructive steps (" + String.join(", ", plan.steps().stream().filter(Step::destructive)
              .map(Step::name).toList()) + "): read the plan, then send the command again with confirm: true"));
      return;
    }
    boolean recorded = operations.insert(command.operationId(), saga.name(), codec.encode(command),
        context.envelope().correlationId(), clock.instant());
    if (!recorded) {
      log.info("{} {} is known already; the command is not taken twice", saga.name(), command.operationId());
      return;
    }
    auditPlan(saga, command, "accepted");
  }

  private void auditPlan(Saga<?> saga, PlatformCommand command, String outcome) {
    audit.record(null, "platform." + saga.name() + "." + outcome, command.requestedBy(),
        Map.of("operationId", command.operationId().toString(), "reason", String.valueOf(command.reason())));
  }
}
