package app.photobomb.ops.common.events;

import java.util.UUID;

/** Messages of the GDPR export flow; keyed by user id so one user's exports stay in order. */
public sealed interface ExportMessage extends PhotobombMessage
    permits UserExportRequested, UserExportProgressed, UserExportCompleted, UserExportFailed {

  UUID exportId();

  UUID userId();

  @Override
  default String key() {
    return userId().toString();
  }
}
