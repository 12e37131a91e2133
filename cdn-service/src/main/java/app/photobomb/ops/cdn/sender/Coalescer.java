package app.photobomb.ops.cdn.sender;

import app.photobomb.ops.cdn.config.CdnProperties;
import app.photobomb.ops.cdn.domain.Purges;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Groups the targets that waited the coalescing window into calls, on the sender's replica and on a thread of its
 * own: a burst of requests is grouped while the sender keeps making calls, instead of the sender stopping for it.
 * Slices of {@link #SLICE} targets keep each transaction short.
 */
@Component
public class Coalescer {

  static final int SLICE = 10_000;

  private final Purges purges;
  private final SenderLeadership leadership;
  private final TransactionTemplate transactions;
  private final CdnProperties properties;

  public Coalescer(Purges purges, SenderLeadership leadership, TransactionTemplate transactions,
      CdnProperties properties) {
    this.purges = purges;
    this.leadership = leadership;
    this.transactions = transactions;
    this.properties = properties;
  }

  /** One pass: slices until fewer than a slice's targets were due. */
  public void coalesceOnce() {
    int perCall = properties.effectiveLimits().urlsPerRequest();
    boolean more = true;
    while (more && leadership.holds() && !Thread.currentThread().isInterrupted()) {
      Integer taken = transactions.execute(status -> purges.coalesce(properties.coalesceWindow(), perCall, SLICE));
      more = taken != null && taken == SLICE;
    }
  }
}
