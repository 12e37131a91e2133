package app.photobomb.ops.common.events;

import java.util.List;
import java.util.UUID;

/**
 * Command: rotate the platform's secrets with no downtime (runbook task 2).
 *
 * @param secrets which to rotate, of {@code database}, {@code jwt}, {@code b2}, {@code cloudflare}; null: all four
 */
public record SecretRotationRequested(UUID operationId, List<String> secrets, boolean dryRun, boolean confirm,
    String reason, String requestedBy) implements PlatformCommand {

  public static final List<String> ALL = List.of("database", "jwt", "b2", "cloudflare");

  /** The secrets asked for, all four when none were named. */
  public List<String> effectiveSecrets() {
    return secrets == null || secrets.isEmpty() ? ALL : secrets;
  }
}
