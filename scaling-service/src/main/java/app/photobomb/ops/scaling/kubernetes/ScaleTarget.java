package app.photobomb.ops.scaling.kubernetes;

/**
 * What the service changes to scale a deployment: its replicas (scale subresource), or, when an HPA targets the
 * deployment, that HPA's minReplicas.
 *
 * @param namespace the deployment's namespace
 * @param deployment the deployment
 * @param hpa the HPA that owns the deployment's replicas, or null
 * @param current the replicas, or the HPA's minReplicas
 * @param hpaMaxReplicas the HPA's maxReplicas (0 without one)
 * @param restoreMinReplicas the HPA's own minReplicas while this service has raised it, else null
 */
public record ScaleTarget(String namespace, String deployment, String hpa, int current, int hpaMaxReplicas,
    Integer restoreMinReplicas) {

  public boolean viaHpa() {
    return hpa != null;
  }

  /** The least the service may set: the HPA's own minimum, or nothing. */
  public int floor() {
    if (!viaHpa()) {
      return 0;
    }
    return restoreMinReplicas != null ? restoreMinReplicas : current;
  }

  /** What is changed, for the audit row and the events' reason. */
  public String describe() {
    return viaHpa() ? "minReplicas of HPA " + hpa : "replicas";
  }
}
