package app.photobomb.ops.thumbnail.migration;

import app.photobomb.ops.common.audit.AuditLog;
import app.photobomb.ops.common.storage.MeasuredInputStream;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.ObjectVersion;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.thumbnail.jobs.ClaimedJob;
import app.photobomb.ops.thumbnail.jobs.JobFailure;
import app.photobomb.ops.thumbnail.jobs.JobHandler;
import app.photobomb.ops.thumbnail.jobs.JobOutcome;
import app.photobomb.ops.thumbnail.jobs.JobOutcome.Result;
import app.photobomb.ops.thumbnail.photos.LivePhoto;
import app.photobomb.ops.thumbnail.photos.PhotoFile;
import app.photobomb.ops.thumbnail.photos.Photos;
import app.photobomb.ops.thumbnail.photos.StoreDirectory;
import app.photobomb.ops.thumbnail.render.Thumbnail;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code migrate_storage}: moves every file of the photo from the source store (B2) to the target (R2). Each file is
 * streamed across, its size and SHA-256 checked against photo_files and against what the target then holds (read
 * back); the rows switch in the finishing transaction, and after it every source version of those keys is deleted
 * (the runbook's validation, made automatic). A mismatch fails the attempt and removes the copies; the source stays.
 */
public final class MigrateStorage implements JobHandler {

  public static final String JOB_TYPE = "migrate_storage";

  private static final Logger log = LoggerFactory.getLogger(MigrateStorage.class);

  private final Photos photos;
  private final StoreDirectory stores;
  private final String sourceProvider;
  private final AuditLog audit;
  private final String actor;

  public MigrateStorage(Photos photos, StoreDirectory stores, String sourceProvider, AuditLog audit, String actor) {
    this.photos = photos;
    this.stores = stores;
    this.sourceProvider = sourceProvider;
    this.audit = audit;
    this.actor = actor;
  }

  @Override
  public String jobType() {
    return JOB_TYPE;
  }

  /** A file copied to the target: its row, and the copy. */
  private record Copy(PhotoFile file, StoredObject copy) {
  }

  @Override
  public JobOutcome handle(ClaimedJob job, Lease lease) throws IOException {
    if (job.photoId() == null) {
      return JobOutcome.failed("no_photo: job " + job.jobId() + " names no photo_id");
    }
    Optional<LivePhoto> found = photos.live(job.photoId());
    if (found.isEmpty()) {
      return JobOutcome.skipped(Photos.DELETED);
    }
    Optional<ObjectStore> targetStore = stores.migrationTarget();
    if (targetStore.isEmpty()) {
      return JobOutcome.failed("migration_target_unconfigured: set PHOTOBOMB_WORKER_MIGRATION_TARGET=r2 and "
          + "PHOTOBOMB_STORAGE_R2_ENDPOINT, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY");
    }
    ObjectStore target = targetStore.get();
    LivePhoto photo = found.get();
    List<PhotoFile> files = photos.files(photo.photoId()).stream()
        .filter(file -> sourceProvider.equals(file.provider())).toList();
    Optional<ObjectStore> sourceStore = stores.forProvider(sourceProvider);
    if (!files.isEmpty() && sourceStore.isEmpty()) {
      return JobOutcome.failed("store_unavailable: no " + sourceProvider + " store configured");
    }
    List<Copy> copies = new ArrayList<>();
    Runnable discard = () -> discard(target, copies);
    for (PhotoFile file : files) {
      if (!lease.held()) {
        return new JobOutcome.Failed("lease_lost", discard);
      }
      Optional<String> mismatch;
      try {
        mismatch = copy(sourceStore.get(), target, photo, file, copies);
      } catch (RuntimeException e) {
        discard.run();
        throw e;
      }
      if (mismatch.isPresent()) {
        return new JobOutcome.Failed(mismatch.get(), discard);
      }
    }
    long bytes = copies.stream().mapToLong(copy -> copy.copy().size()).sum();
    return new JobOutcome.Done(() -> {
      if (!photos.lockLive(photo)) {
        return Result.skipped(Photos.DELETED);
      }
      for (Copy copy : copies) {
        if (!photos.switchProvider(copy.file(), copy.copy().provider(), copy.copy().versionId(),
            copy.copy().sha256())) {
          throw new JobFailure("photo_files_changed: the " + copy.file().kind() + " row of photo " + photo.photoId()
              + " changed during the copy");
        }
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("moved", copies.size());
      result.put("target", target.provider());
      result.put("bytes", bytes);
      if (!copies.isEmpty()) {
        audit.record(photo.userId(), "storage_migrated", actor, Map.of("photoId", photo.photoId().toString(),
            "from", sourceProvider, "to", target.provider(), "files", copies.size(), "bytes", bytes));
      }
      return Result.applied(result);
    }, () -> deleteSources(sourceStore.orElse(null), copies), discard);
  }

  /** Copies one file, streaming; empty when source, row and target agree, else the reason they do not. */
  private Optional<String> copy(ObjectStore source, ObjectStore target, LivePhoto photo, PhotoFile file,
      List<Copy> copies) throws IOException {
    String where = file.bucket() + "/" + file.objectKey();
    Optional<ObjectVersion> newest = source.stat(file.bucket(), file.objectKey());
    if (newest.isEmpty()) {
      return Optional.of("source_missing: " + sourceProvider + " has no " + where);
    }
    long size = newest.get().size();
    if (size != file.sizeBytes()) {
      return Optional.of("size_mismatch: " + sourceProvider + " " + where + " holds " + size
          + " bytes, photo_files says " + file.sizeBytes());
    }
    StoredObject copied;
    try (InputStream in = source.get(file.bucket(), file.objectKey())) {
      copied = target.put(file.bucket(), file.objectKey(), in, size, contentType(photo, file));
    }
    copies.add(new Copy(file, copied));
    if (file.sha256() != null && !file.sha256().equalsIgnoreCase(copied.sha256())) {
      return Optional.of("checksum_mismatch: " + where + " read from " + sourceProvider + " has sha256 "
          + copied.sha256() + ", photo_files says " + file.sha256());
    }
    Held held = readBack(target, file);
    if (held.size() != size || !held.sha256().equalsIgnoreCase(copied.sha256())) {
      return Optional.of("checksum_mismatch: " + target.provider() + " holds " + held.size() + " bytes with sha256 "
          + held.sha256() + " at " + where + ", " + sourceProvider + " sent " + size + " bytes with sha256 "
          + copied.sha256());
    }
    return Optional.empty();
  }

  /** What the target holds under a key, read back in full and hashed on the way. */
  private record Held(long size, String sha256) {
  }

  private static Held readBack(ObjectStore target, PhotoFile file) throws IOException {
    try (MeasuredInputStream in = new MeasuredInputStream(target.get(file.bucket(), file.objectKey()))) {
      in.transferTo(OutputStream.nullOutputStream());
      return new Held(in.count(), in.sha256Hex());
    }
  }

  private static String contentType(LivePhoto photo, PhotoFile file) {
    return PhotoFile.ORIGINAL.equals(file.kind()) ? photo.contentType() : Thumbnail.CONTENT_TYPE;
  }

  private void deleteSources(ObjectStore source, List<Copy> copies) {
    for (Copy copy : copies) {
      PhotoFile file = copy.file();
      try {
        int deleted = source.deleteEveryVersion(file.bucket(), file.objectKey());
        log.debug("deleted {} {} versions of {}/{}", deleted, sourceProvider, file.bucket(), file.objectKey());
      } catch (RuntimeException e) {
        log.warn("could not delete the {} versions of {}/{} after its move; delete them by hand", sourceProvider,
            file.bucket(), file.objectKey(), e);
      }
    }
  }

  private static void discard(ObjectStore target, List<Copy> copies) {
    for (Copy copy : copies) {
      StoredObject object = copy.copy();
      try {
        target.deleteVersion(object.bucket(), object.key(), object.versionId());
      } catch (RuntimeException e) {
        log.warn("could not remove the copy {}/{} from {}", object.bucket(), object.key(), object.provider(), e);
      }
    }
  }
}
