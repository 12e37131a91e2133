package app.photobomb.ops.export.archive;

/** Told after every photo written; decides itself how often to report (and may stop a build that lost its claim). */
@FunctionalInterface
public interface ExportProgress {

  void photoWritten(long photosDone, long photosTotal, long bytesWritten);
}
