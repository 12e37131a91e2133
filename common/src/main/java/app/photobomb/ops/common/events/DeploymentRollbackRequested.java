package app.photobomb.ops.common.events;

import java.util.List;
import java.util.UUID;

/**
 * Command: roll the API and the workers back to their previous release and verify it (runbook task 5).
 *
 * @param revision the Cloud Run revision to route all traffic to; null: the newest ready revision before the one
 *     serving now
 * @param workers Kubernetes deployments to roll back ({@code kubectl rollout undo}); null or empty: none
 * @param verifyMinutes how long to watch health and error rate afterwards; null: the service's setting (15)
 */
public record DeploymentRollbackRequested(UUID operationId, String revision, List<String> workers,
    Integer verifyMinutes, boolean dryRun, boolean confirm, String reason, String requestedBy)
    implements PlatformCommand {
}
