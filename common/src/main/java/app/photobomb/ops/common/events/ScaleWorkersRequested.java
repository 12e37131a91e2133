package app.photobomb.ops.common.events;

/**
 * Command: set a worker deployment to a number of replicas.
 *
 * @param holdSeconds how long the request wins over the automatic policy; null: the service's configured hold
 */
public record ScaleWorkersRequested(String deployment, String namespace, int replicas, String reason,
    String requestedBy, Long holdSeconds) implements ScalingMessage {

  /** A request held for the service's configured time. */
  public ScaleWorkersRequested(String deployment, String namespace, int replicas, String reason, String requestedBy) {
    this(deployment, namespace, replicas, reason, requestedBy, null);
  }
}
