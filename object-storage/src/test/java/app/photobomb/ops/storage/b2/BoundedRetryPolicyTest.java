package app.photobomb.ops.storage.b2;

import static org.assertj.core.api.Assertions.assertThat;

import com.backblaze.b2.client.exceptions.B2Exception;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The waits and the give-up point the adapter hands the SDK's retry loop. */
class BoundedRetryPolicyTest {

  private static final B2Exception UNAVAILABLE = B2Exception.create("service_unavailable", 503, null, "busy");

  @Test
  void backsOffExponentiallyUpToMaxBackoff() {
    BoundedRetryPolicy policy = new BoundedRetryPolicy(10, Duration.ofSeconds(5));

    assertThat(policy.gotRetryableAfterDelay("op", 1, 0, UNAVAILABLE)).isEqualTo(1);
    assertThat(policy.gotRetryableAfterDelay("op", 2, 0, UNAVAILABLE)).isEqualTo(2);
    assertThat(policy.gotRetryableAfterDelay("op", 3, 0, UNAVAILABLE)).isEqualTo(4);
    assertThat(policy.gotRetryableAfterDelay("op", 4, 0, UNAVAILABLE)).isEqualTo(5);
    assertThat(policy.gotRetryableAfterDelay("op", 9, 0, UNAVAILABLE)).isEqualTo(5);
  }

  @Test
  void waitsForRetryAfterButNoLongerThanMaxBackoff() {
    BoundedRetryPolicy policy = new BoundedRetryPolicy(10, Duration.ofSeconds(10));

    assertThat(policy.gotRetryableAfterDelay("op", 1, 0, throttled(7))).isEqualTo(7);
    assertThat(policy.gotRetryableAfterDelay("op", 1, 0, throttled(60))).isEqualTo(10);
  }

  @Test
  void givesUpAfterMaxAttempts() {
    BoundedRetryPolicy policy = new BoundedRetryPolicy(3, Duration.ofSeconds(10));

    assertThat(policy.gotRetryableAfterDelay("op", 2, 0, UNAVAILABLE)).isNotNull();
    assertThat(policy.gotRetryableAfterDelay("op", 3, 0, UNAVAILABLE)).isNull();
    assertThat(policy.gotRetryableImmediately("op", 2, 0, UNAVAILABLE)).isTrue();
    assertThat(policy.gotRetryableImmediately("op", 3, 0, UNAVAILABLE)).isFalse();
  }

  @Test
  void aSubSecondMaxBackoffWaitsOneSecondBecauseTheSdkSleepsInSeconds() {
    assertThat(new BoundedRetryPolicy(5, Duration.ofMillis(200)).gotRetryableAfterDelay("op", 3, 0, UNAVAILABLE))
        .isEqualTo(1);
    assertThat(new BoundedRetryPolicy(5, Duration.ZERO).gotRetryableAfterDelay("op", 3, 0, UNAVAILABLE))
        .isZero();
  }

  private static B2Exception throttled(int retryAfterSeconds) {
    return B2Exception.create("too_many_requests", 429, retryAfterSeconds, "slow down");
  }
}
