package app.photobomb.ops.platform.saga;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One row of platform_operations, as the runner reads it. */
record Operation(UUID operationId, String saga, String command, String correlationId, Status status, int stepIndex,
    Map<String, String> facts, int attempts, Instant stepStartedAt, String failedStep, String reason) {

  enum Status {
    RUNNING, COMPENSATING, COMPLETED, FAILED, ROLLED_BACK;

    String column() {
      return name().toLowerCase();
    }
  }
}
