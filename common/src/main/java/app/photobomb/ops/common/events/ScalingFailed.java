package app.photobomb.ops.common.events;

/** Fact: a scale request could not be carried out; reason says why. */
public record ScalingFailed(String deployment, String namespace, String reason)
    implements ScalingMessage {
}
