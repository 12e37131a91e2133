package app.photobomb.ops.common.storage;

import java.util.List;

/** A page of versions; {@code nextPageToken} is null on the last page. */
public record VersionPage(List<ObjectVersion> versions, String nextPageToken) {

  public boolean hasMore() {
    return nextPageToken != null;
  }
}
