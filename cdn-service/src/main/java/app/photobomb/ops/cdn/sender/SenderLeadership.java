package app.photobomb.ops.cdn.sender;

import app.photobomb.ops.cdn.config.CdnProperties;
import app.photobomb.ops.common.database.LeaderLock;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Elects the one replica that coalesces and sends: Cloudflare's limits are per account, so one sender with the
 * plan's buckets in memory keeps to them, where each replica with buckets of its own would not.
 */
@Component
public class SenderLeadership extends LeaderLock {

  public SenderLeadership(Environment environment, CdnProperties properties) {
    super(environment, properties.senderLockKey(), "the purge sender");
  }
}
