package app.photobomb.ops.common.events;

/** Command: set a worker deployment to a number of replicas. */
public record ScaleWorkersRequested(String deployment, String namespace, int replicas, String reason, String requestedBy)
    implements ScalingMessage {
}
