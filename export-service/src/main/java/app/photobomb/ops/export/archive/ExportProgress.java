package app.photobomb.ops.export.archive;

/**
 * Told how a build goes; decides itself how often to report and to renew the build's claim, and stops a build
 * that lost its claim by throwing.
 */
public interface ExportProgress {

  /** After every photo written. */
  void photoWritten(long photosDone, long photosTotal, long bytesWritten);

  /** Often, while a long photo is copied or metadata is written: keeps the claim alive. */
  void stillWorking();
}
