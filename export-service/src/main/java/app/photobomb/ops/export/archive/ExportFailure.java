package app.photobomb.ops.export.archive;

/**
 * An export that cannot succeed however often it is tried; {@code reason} is what UserExportFailed says, in the
 * form {@code code} or {@code code: detail} so that a person knows what to do.
 */
public class ExportFailure extends RuntimeException {

  private final String reason;

  public ExportFailure(String reason) {
    super(reason);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
