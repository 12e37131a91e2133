package com.backblaze.b2.client;

import com.backblaze.b2.client.exceptions.B2Exception;
import com.backblaze.b2.client.structures.B2ListFileVersionsRequest;
import com.backblaze.b2.client.structures.B2ListFileVersionsResponse;

/**
 * One b2_list_file_versions call, with the SDK's retries and re-authorization. It lives in the SDK's package
 * because the SDK offers a single page only to itself: its public iterable fetches the following page as soon
 * as the last entry of a page is taken, which doubles the calls of a listing that reads full pages.
 */
public final class B2FileVersionPages {

  private B2FileVersionPages() {
  }

  /** The page B2 answers for this request, and where the next one starts. */
  public static B2ListFileVersionsResponse page(B2StorageClient client, B2ListFileVersionsRequest request)
      throws B2Exception {
    if (client instanceof B2StorageClientImpl impl) {
      return impl.listFileVersions(request);
    }
    throw new IllegalArgumentException("not the SDK's own B2 client: " + client.getClass().getName());
  }
}
