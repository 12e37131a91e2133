package app.photobomb.ops.faults;

import app.photobomb.ops.testsupport.cloudflare.CloudflareStandIn;
import java.time.Duration;

/**
 * A Cloudflare 429 storm: every purge answered 429 with Retry-After for a while, whatever the plan's buckets hold (as
 * when another client of the zone used its limits up). Purges must wait and go out afterwards, each URL once.
 */
final class CloudflareStorm implements Fault {

  private final CloudflareStandIn cloudflare;
  private final Duration length;

  CloudflareStorm(CloudflareStandIn cloudflare, Duration length) {
    this.cloudflare = cloudflare;
    this.length = length;
  }

  @Override
  public String name() {
    return "Cloudflare 429 storm";
  }

  @Override
  public int injectionsPerRound(FaultSettings settings) {
    return settings.injections();
  }

  @Override
  public void inject(int injection, Runnable whileBroken) throws InterruptedException {
    cloudflare.rateLimitEverythingFor(length);
    Waves.during(whileBroken, () -> Thread.sleep(length.toMillis()));
  }
}
