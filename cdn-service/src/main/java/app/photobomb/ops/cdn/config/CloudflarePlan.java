package app.photobomb.ops.cdn.config;

import app.photobomb.ops.cdn.config.CdnProperties.PlanLimits;

/**
 * Cloudflare's purge limits per plan (developers.cloudflare.com, cache / purge-cache, 2026): requests per second and
 * their bucket, URLs per second, URLs per request.
 */
public enum CloudflarePlan {
  FREE(new PlanLimits(5.0 / 60, 25, 800, 100)),
  PRO(new PlanLimits(5, 25, 1500, 100)),
  BUSINESS(new PlanLimits(10, 50, 1500, 100)),
  ENTERPRISE(new PlanLimits(50, 500, 3000, 500));

  private final PlanLimits limits;

  CloudflarePlan(PlanLimits limits) {
    this.limits = limits;
  }

  public PlanLimits limits() {
    return limits;
  }
}
