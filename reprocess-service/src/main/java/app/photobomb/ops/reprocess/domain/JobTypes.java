package app.photobomb.ops.reprocess.domain;

import app.photobomb.ops.reprocess.config.ReprocessProperties;
import app.photobomb.ops.reprocess.config.ThumbnailSpecProperties;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/** The job types a batch may ask for, the queue of each, and the target its idempotency key names. */
@Component
public class JobTypes {

  private final Map<String, String> queues;
  private final int specVersion;

  public JobTypes(ReprocessProperties properties, ThumbnailSpecProperties spec) {
    this.queues = properties.queueByJobType();
    this.specVersion = spec.specVersion();
  }

  public Optional<String> queueOf(String jobType) {
    return Optional.ofNullable(queues.get(jobType));
  }

  /** The known types in name order, for a reason a person can act on. */
  public List<String> known() {
    return List.copyOf(new TreeSet<>(queues.keySet()));
  }

  /** Every configured queue, each once. */
  public List<String> queues() {
    return List.copyOf(new TreeSet<>(queues.values()));
  }

  /**
   * What a job of this type produces: the thumbnail spec version, or the target store. A photo's job for the same
   * target is never queued twice, and is queued again when the target changes.
   */
  public String target(String jobType) {
    return switch (jobType) {
      case ReprocessProperties.REPROCESS_THUMBNAILS -> "thumbs-v" + specVersion;
      case ReprocessProperties.MIGRATE_STORAGE -> "store-r2";
      default -> "default";
    };
  }
}
