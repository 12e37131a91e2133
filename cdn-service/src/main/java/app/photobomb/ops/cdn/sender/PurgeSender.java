package app.photobomb.ops.cdn.sender;

import app.photobomb.ops.cdn.cloudflare.CacheCheck;
import app.photobomb.ops.cdn.cloudflare.CloudflareClient;
import app.photobomb.ops.cdn.cloudflare.PurgeAnswer;
import app.photobomb.ops.cdn.config.CdnProperties;
import app.photobomb.ops.cdn.domain.FinishedPurge;
import app.photobomb.ops.cdn.domain.PurgeCall;
import app.photobomb.ops.cdn.domain.PurgeTarget;
import app.photobomb.ops.cdn.domain.Purges;
import app.photobomb.ops.common.events.CachePurgeFailed;
import app.photobomb.ops.common.events.CachePurged;
import app.photobomb.ops.common.messaging.Outbox;
import app.photobomb.ops.common.messaging.OutboxEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes the coalesced calls within the plan's buckets, on the one replica holding the sender's lock. 429 waits its
 * Retry-After; 5xx and no answer back off, up to max-attempts; any other refusal fails at once with Cloudflare's
 * error. Each purge is answered once, when its last call ended.
 */
@Component
public class PurgeSender {

  private static final Logger log = LoggerFactory.getLogger(PurgeSender.class);

  private final Purges purges;
  private final CloudflareClient cloudflare;
  private final CacheCheck check;
  private final SenderLeadership leadership;
  private final Outbox outbox;
  private final TransactionTemplate transactions;
  private final CdnProperties properties;
  private final CdnMetrics metrics;
  private final Clock clock;
  private final PlanBuckets buckets;

  public PurgeSender(Purges purges, CloudflareClient cloudflare, CacheCheck check, SenderLeadership leadership,
      Outbox outbox, TransactionTemplate transactions, CdnProperties properties, CdnMetrics metrics, Clock clock) {
    this.purges = purges;
    this.cloudflare = cloudflare;
    this.check = check;
    this.leadership = leadership;
    this.outbox = outbox;
    this.transactions = transactions;
    this.properties = properties;
    this.metrics = metrics;
    this.clock = clock;
    this.buckets = new PlanBuckets(properties.effectiveLimits(), clock.instant());
    metrics.tokensLeft(() -> buckets.requestTokens(clock.instant()));
  }

  /** One pass: sends due calls while the buckets allow (the coalescer makes them, on its own thread). */
  public void sendOnce() {
    if (!leadership.holds()) {
      return;
    }
    while (!Thread.currentThread().isInterrupted()) {
      Optional<PurgeCall> due = transactions.execute(status -> purges.nextDue());
      if (due.isEmpty() || !buckets.wait(due.get(), clock.instant()).isZero()) {
        return;
      }
      PurgeCall call = due.get();
      buckets.take(call, clock.instant());
      PurgeAnswer answer = send(call);
      transactions.executeWithoutResult(status -> record(call, answer));
    }
  }

  private PurgeAnswer send(PurgeCall call) {
    return switch (call.kind()) {
      case PurgeTarget.FILES -> cloudflare.purgeFiles(call.targets());
      case PurgeTarget.PREFIXES -> cloudflare.purgePrefixes(call.targets());
      default -> cloudflare.purgeEverything();
    };
  }

  private void record(PurgeCall call, PurgeAnswer answer) {
    metrics.call(answer, call.weight());
    if (answer instanceof PurgeAnswer.Purged) {
      purges.sent(call.callId());
      log.debug("call {} purged {} {}", call.callId(), call.weight(), call.kind());
    } else if (answer instanceof PurgeAnswer.RateLimited limited) {
      buckets.rateLimited(call, clock.instant());
      purges.retryAfter(call.callId(), limited.retryAfter(), false, "429 Too Many Requests");
      log.warn("Cloudflare answered 429 to call {}; it goes again after {} (the plan's limits are set to {})",
          call.callId(), limited.retryAfter(), properties.effectiveLimits());
      return;
    } else if (answer instanceof PurgeAnswer.Unavailable unavailable) {
      if (call.attempts() + 1 < properties.maxAttempts()) {
        Duration wait = backoff(call.attempts());
        purges.retryAfter(call.callId(), wait, true, unavailable.reason());
        log.warn("call {} failed ({}); attempt {} of {} in {}", call.callId(), unavailable.reason(),
            call.attempts() + 2, properties.maxAttempts(), wait);
        return;
      }
      purges.failed(call.callId(), "cloudflare_unavailable: " + unavailable.reason() + " (after "
          + properties.maxAttempts() + " attempts)");
    } else if (answer instanceof PurgeAnswer.Rejected rejected) {
      purges.failed(call.callId(), rejected.reason());
    }
    answer(purges.finishedBy(call.callId()));
  }

  private void answer(List<FinishedPurge> finished) {
    List<OutboxEvent> events = new ArrayList<>();
    for (FinishedPurge purge : finished) {
      if (purge.purged() && purge.answered()) {
        log.info("purge {} done: {} targets in {} calls", purge.purgeId(), purge.targetCount(), purge.requestCount());
      } else if (purge.purged()) {
        log.debug("purge {} done: {} targets in {} calls", purge.purgeId(), purge.targetCount(), purge.requestCount());
      } else {
        log.warn("purge {} failed: {}", purge.purgeId(), purge.failureReason());
      }
      if (purge.answered()) {
        events.add(outbox.toEvent(purge.purged() ? purged(purge)
            : new CachePurgeFailed(purge.purgeId(), purge.failureReason(), purge.failedTargets()),
            purge.correlationId(), purge.causationId()));
      }
    }
    outbox.write(events);
  }

  /** The answer, with the runbook's check of a sample of its URLs when one is configured. */
  private CachePurged purged(FinishedPurge purge) {
    List<String> sample = purge.purgedUrls().stream().limit(properties.validationSample()).toList();
    if (sample.isEmpty()) {
      return new CachePurged(purge.purgeId(), purge.targetCount(), purge.requestCount());
    }
    int misses = check.misses(sample);
    log.info("purge {} checked: {} of {} sampled URLs answer MISS or EXPIRED", purge.purgeId(), misses, sample.size());
    return new CachePurged(purge.purgeId(), purge.targetCount(), purge.requestCount(), sample.size(), misses);
  }

  private Duration backoff(int attempts) {
    Duration wait = properties.retryBackoff().multipliedBy(1L << Math.min(20, attempts));
    return wait.compareTo(properties.maxRetryBackoff()) > 0 ? properties.maxRetryBackoff() : wait;
  }
}
