package app.photobomb.ops.export.archive;

/** What an archive holds: photos and the bytes of their originals. */
public record ArchiveSummary(long photos, long photoBytes) {
}
