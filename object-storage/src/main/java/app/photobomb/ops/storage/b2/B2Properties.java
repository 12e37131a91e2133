package app.photobomb.ops.storage.b2;

import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Backblaze B2 account and retry bounds ({@code photobomb.storage.b2.*}).
 *
 * @param applicationKeyId id of the application key
 * @param applicationKey the application key itself; never logged, and left out of {@link #toString()}
 * @param masterUrl where the SDK authorizes the account; B2 answers with the API and download URLs to use
 * @param maxAttempts attempts of one B2 call, the first included, before it fails
 * @param maxBackoff longest wait between attempts, also when B2's Retry-After asks for more; the SDK sleeps in
 *     whole seconds, so this is rounded up to whole seconds
 * @param allowInsecureHttp lets the client speak plain HTTP, which only a loopback stand-in needs
 */
@ConfigurationProperties("photobomb.storage.b2")
public record B2Properties(String applicationKeyId, String applicationKey,
    @DefaultValue("https://api.backblazeb2.com") String masterUrl, @DefaultValue("5") int maxAttempts,
    @DefaultValue("10s") Duration maxBackoff, @DefaultValue("false") boolean allowInsecureHttp) {

  public B2Properties {
    Objects.requireNonNull(masterUrl, "masterUrl");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    if (maxBackoff.isNegative()) {
      throw new IllegalArgumentException("maxBackoff must not be negative: " + maxBackoff);
    }
  }

  @Override
  public String toString() {
    return "B2Properties[applicationKeyId=" + applicationKeyId + ", applicationKey=<redacted>, masterUrl=" + masterUrl
        + ", maxAttempts=" + maxAttempts + ", maxBackoff=" + maxBackoff + ", allowInsecureHttp=" + allowInsecureHttp
        + "]";
  }
}
