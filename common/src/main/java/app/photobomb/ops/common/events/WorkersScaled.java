package app.photobomb.ops.common.events;

/** Fact: a worker deployment was scaled. */
public record WorkersScaled(String deployment, String namespace, int fromReplicas, int toReplicas, String reason)
    implements ScalingMessage {
}
