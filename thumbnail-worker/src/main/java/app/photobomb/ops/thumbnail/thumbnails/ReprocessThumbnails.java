package app.photobomb.ops.thumbnail.thumbnails;

import app.photobomb.ops.common.storage.ObjectNotFoundException;
import app.photobomb.ops.common.storage.ObjectStore;
import app.photobomb.ops.common.storage.StoredObject;
import app.photobomb.ops.common.thumbnails.ThumbnailSpec;
import app.photobomb.ops.thumbnail.jobs.ClaimedJob;
import app.photobomb.ops.thumbnail.jobs.JobHandler;
import app.photobomb.ops.thumbnail.jobs.JobOutcome;
import app.photobomb.ops.thumbnail.jobs.JobOutcome.Result;
import app.photobomb.ops.thumbnail.photos.LivePhoto;
import app.photobomb.ops.thumbnail.photos.PhotoFile;
import app.photobomb.ops.thumbnail.photos.Photos;
import app.photobomb.ops.thumbnail.photos.StoreDirectory;
import app.photobomb.ops.thumbnail.render.Thumbnail;
import app.photobomb.ops.thumbnail.render.ThumbnailRenderer;
import app.photobomb.ops.thumbnail.render.UndecodableImageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code reprocess_thumbnails}: renders the photo's thumbnails at the configured spec from its original and writes
 * them next to it (the store that holds the original, the thumbnails bucket); the finishing transaction points the
 * photo_files rows at them and sets photos.processed_at; after it, the versions they replaced are deleted.
 */
public final class ReprocessThumbnails implements JobHandler {

  public static final String JOB_TYPE = "reprocess_thumbnails";

  private static final Logger log = LoggerFactory.getLogger(ReprocessThumbnails.class);

  private final Photos photos;
  private final StoreDirectory stores;
  private final ThumbnailRenderer renderer;
  private final ThumbnailSpec spec;
  private final String thumbnailsBucket;

  public ReprocessThumbnails(Photos photos, StoreDirectory stores, ThumbnailRenderer renderer, ThumbnailSpec spec,
      String thumbnailsBucket) {
    this.photos = photos;
    this.stores = stores;
    this.renderer = renderer;
    this.spec = spec;
    this.thumbnailsBucket = thumbnailsBucket;
  }

  @Override
  public String jobType() {
    return JOB_TYPE;
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
    LivePhoto photo = found.get();
    Optional<PhotoFile> original = photos.files(photo.photoId()).stream()
        .filter(file -> PhotoFile.ORIGINAL.equals(file.kind())).findFirst();
    if (original.isEmpty()) {
      return JobOutcome.failed("original_missing: photo " + photo.photoId() + " has no original in photo_files");
    }
    PhotoFile source = original.get();
    String where = source.bucket() + "/" + source.objectKey();
    Optional<ObjectStore> holder = stores.forProvider(source.provider());
    if (holder.isEmpty()) {
      return JobOutcome.failed("store_unavailable: no " + source.provider() + " store configured for " + where);
    }
    ObjectStore store = holder.get();
    List<Thumbnail> thumbnails;
    try (InputStream in = store.get(source.bucket(), source.objectKey())) {
      thumbnails = renderer.render(in);
    } catch (ObjectNotFoundException e) {
      return JobOutcome.failed("original_missing: " + where);
    } catch (UndecodableImageException e) {
      return JobOutcome.failed("original_undecodable: " + where + ": " + e.getMessage());
    }
    List<StoredObject> written = new ArrayList<>();
    Runnable discard = () -> deleteQuietly(store, written, "unused new thumbnail");
    try {
      for (Thumbnail thumbnail : thumbnails) {
        if (!lease.held()) {
          break; // the job is another worker's now; the finish will not commit
        }
        written.add(store.put(thumbnailsBucket, ThumbnailSpec.key(photo.photoId(), thumbnail.size()),
            new ByteArrayInputStream(thumbnail.webp()), thumbnail.webp().length, Thumbnail.CONTENT_TYPE));
      }
    } catch (RuntimeException e) {
      discard.run();
      throw e;
    }
    List<PhotoFile> replaced = new ArrayList<>();
    return new JobOutcome.Done(() -> {
      if (!photos.lockLive(photo)) {
        return Result.skipped(Photos.DELETED);
      }
      List<String> kinds = thumbnails.stream().map(thumbnail -> ThumbnailSpec.kind(thumbnail.size())).toList();
      replaced.clear();
      replaced.addAll(photos.lockFiles(photo.photoId(), kinds));
      for (int i = 0; i < written.size(); i++) {
        StoredObject object = written.get(i);
        photos.upsertFile(photo, ThumbnailSpec.kind(thumbnails.get(i).size()), object.provider(), object.bucket(),
            object.key(), object.versionId(), object.size(), object.sha256());
      }
      photos.markProcessed(photo.photoId());
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("sizes", thumbnails.stream().map(Thumbnail::size).sorted().toList());
      result.put("specVersion", spec.specVersion());
      return Result.applied(result);
    }, () -> deleteReplaced(replaced, written), discard);
  }

  /** Deletes the versions the old rows pointed at, in whichever store they were, unless a new row is the same one. */
  private void deleteReplaced(List<PhotoFile> replaced, List<StoredObject> written) {
    for (PhotoFile old : replaced) {
      if (old.fileId() == null) {
        continue;
      }
      boolean stillCurrent = written.stream().anyMatch(now -> now.provider().equals(old.provider())
          && now.bucket().equals(old.bucket()) && now.key().equals(old.objectKey())
          && now.versionId().equals(old.fileId()));
      Optional<ObjectStore> store = stores.forProvider(old.provider());
      if (stillCurrent || store.isEmpty()) {
        continue;
      }
      try {
        store.get().deleteVersion(old.bucket(), old.objectKey(), old.fileId());
      } catch (RuntimeException e) {
        log.warn("could not delete the replaced thumbnail {}/{} version {}; it stays as an orphan", old.bucket(),
            old.objectKey(), old.fileId(), e);
      }
    }
  }

  private static void deleteQuietly(ObjectStore store, List<StoredObject> objects, String what) {
    for (StoredObject object : objects) {
      try {
        store.deleteVersion(object.bucket(), object.key(), object.versionId());
      } catch (RuntimeException e) {
        log.warn("could not delete {} {}/{} version {}", what, object.bucket(), object.key(), object.versionId(), e);
      }
    }
  }
}
