package app.photobomb.ops.scaling.kubernetes;

/** A scale call the Kubernetes API refused or did not answer; {@code code} is scaling-failed's reason prefix. */
public class ScalingFailure extends RuntimeException {

  public static final String NOT_FOUND = "not_found";
  public static final String FORBIDDEN = "forbidden";
  public static final String API_UNAVAILABLE = "api_unavailable";
  public static final String ABOVE_MAX = "above_max";

  private final String code;

  public ScalingFailure(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** The reason scaling-failed carries: {@code code: what happened}. */
  public String reason() {
    return code + ": " + getMessage();
  }
}
