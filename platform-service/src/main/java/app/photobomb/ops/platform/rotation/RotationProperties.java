package app.photobomb.ops.platform.rotation;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the secret-rotation saga ({@code photobomb.platform.rotation.*}); the secrets are Secret Manager ids in
 * the project of {@code photobomb.platform.google}.
 *
 * @param service the API's Cloud Run service, whose new revision is pinned to the new versions
 * @param grace how long a superseded secret version stays enabled at least; the last-known-good one always stays
 *     enabled until the next rotation
 * @param healthUrl the API's login check; it must answer 2xx with the new secrets before anything is revoked
 * @param pollInterval how often a Cloud SQL / Cloud Run operation, the rollout and the login check are polled
 * @param verifyTimeout how long the workers' rollout and the login check may take before the rotation is undone
 * @param checkTimeout longest wait for one answer of the login check
 */
@ConfigurationProperties("photobomb.platform.rotation")
public record RotationProperties(
    @DefaultValue("photobomb-api") String service,
    @DefaultValue("24h") Duration grace,
    @DefaultValue("https://api.photobomb.app/healthz/auth") String healthUrl,
    @DefaultValue("5s") Duration pollInterval,
    @DefaultValue("10m") Duration verifyTimeout,
    @DefaultValue("10s") Duration checkTimeout,
    @DefaultValue Database database,
    @DefaultValue Jwt jwt,
    @DefaultValue B2 b2,
    @DefaultValue Cloudflare cloudflare,
    @DefaultValue Workers workers) {

  /**
   * The alternating database users: the idle one gets the new password, then becomes the live one.
   *
   * @param instance the Cloud SQL instance
   * @param users the two users (created once by hand with the same grants: deploy/database/roles.sql)
   * @param userSecret the secret that names the live user
   * @param passwordSecret the secret with the live user's password
   * @param passwordBytes random bytes of a new password (URL-safe base64)
   */
  public record Database(
      @DefaultValue("photobomb-db") String instance,
      @DefaultValue({"photobomb_app_a", "photobomb_app_b"}) List<String> users,
      @DefaultValue("database-user") String userSecret,
      @DefaultValue("database-password") String passwordSecret,
      @DefaultValue("32") int passwordBytes) {
  }

  /**
   * The API's JWT signing secret.
   *
   * @param secret its Secret Manager id
   * @param bytes random bytes of a new one (URL-safe base64)
   */
  public record Jwt(@DefaultValue("jwt-secret") String secret, @DefaultValue("64") int bytes) {
  }

  /**
   * B2 application keys: a new one made with the old one's capabilities, the old one deleted last.
   *
   * @param apiUrl B2's API URL
   * @param adminKeyId a key with {@code listKeys}, {@code writeKeys}, {@code deleteKeys} (never the one rotated)
   * @param adminKey its secret
   * @param keyIdSecret the secret with the workers' key id
   * @param keySecret the secret with the workers' key
   * @param allowInsecureHttp plain HTTP to a loopback stand-in
   */
  public record B2(
      @DefaultValue("https://api.backblazeb2.com") String apiUrl,
      @DefaultValue("") String adminKeyId,
      @DefaultValue("") String adminKey,
      @DefaultValue("b2-application-key-id") String keyIdSecret,
      @DefaultValue("b2-application-key") String keySecret,
      @DefaultValue("false") boolean allowInsecureHttp) {
  }

  /**
   * Cloudflare API tokens: a new one created, the old one deleted last (never "roll", which kills the old at once).
   *
   * @param apiUrl the API's base URL
   * @param adminToken a token with "API Tokens Write" that creates and deletes the rotated one
   * @param tokenSecret the secret with the rotated token (purges)
   * @param zoneId the zone the new token may purge
   * @param permissionGroups permission group ids of the new token (default: Cache Purge)
   */
  public record Cloudflare(
      @DefaultValue("https://api.cloudflare.com/client/v4") String apiUrl,
      @DefaultValue("") String adminToken,
      @DefaultValue("cloudflare-api-token") String tokenSecret,
      @DefaultValue("") String zoneId,
      @DefaultValue("e17beae8b8cb423a99b1730f21238bed") List<String> permissionGroups) {
  }

  /**
   * The workers: their Kubernetes Secret gets the new database and B2 credentials, then they are restarted.
   *
   * @param deployments the worker deployments, in the namespace of {@code photobomb.platform.kubernetes}
   * @param secret their Secret; the other parameters name its keys
   */
  public record Workers(
      @DefaultValue({"thumbnail-worker", "face-worker"}) List<String> deployments,
      @DefaultValue("photobomb-worker-secrets") String secret,
      @DefaultValue("DATABASE_USER") String databaseUserKey,
      @DefaultValue("DATABASE_PASSWORD") String databasePasswordKey,
      @DefaultValue("B2_APPLICATION_KEY_ID") String b2KeyIdKey,
      @DefaultValue("B2_APPLICATION_KEY") String b2KeyKey) {
  }
}
