package app.photobomb.ops.common.events;

/** Messages about scaling worker deployments; keyed by deployment name. */
public sealed interface ScalingMessage extends PhotobombMessage
    permits ScaleWorkersRequested, WorkersScaled, ScalingFailed {

  String deployment();

  @Override
  default String key() {
    return deployment();
  }
}
