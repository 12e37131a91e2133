package app.photobomb.ops.thumbnail.photos;

import app.photobomb.ops.common.storage.ObjectStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The stores a photo_files row may point at, by its provider column: the originals store (B2, or local) and the
 * migration target (R2) when one is configured.
 */
public final class StoreDirectory {

  private final ObjectStore originals;
  private final ObjectStore migrationTarget;
  private final Map<String, ObjectStore> byProvider = new LinkedHashMap<>();

  public StoreDirectory(ObjectStore originals, ObjectStore migrationTarget) {
    this.originals = originals;
    this.migrationTarget = migrationTarget;
    if (migrationTarget != null) {
      byProvider.put(migrationTarget.provider(), migrationTarget);
    }
    byProvider.put(originals.provider(), originals);
  }

  /** The store that holds a row of this provider, if this worker has it. */
  public Optional<ObjectStore> forProvider(String provider) {
    return Optional.ofNullable(byProvider.get(provider));
  }

  public ObjectStore originals() {
    return originals;
  }

  /** Where migrate_storage moves photos to; empty when no target is configured. */
  public Optional<ObjectStore> migrationTarget() {
    return Optional.ofNullable(migrationTarget);
  }
}
