package app.photobomb.ops.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;

/**
 * What every service shows on start: against the real servers it migrates its database, binds its consumers
 * and reports itself healthy, with Prometheus metrics. A service's test extends this with its
 * {@code @SpringBootTest(webEnvironment = RANDOM_PORT)} and a {@code @DynamicPropertySource} that calls
 * {@link RealServers#register}.
 */
@ExtendWith(RealServersExtension.class)
public abstract class ServiceHealthContract {

  @Value("${local.server.port}")
  int port;

  @Test
  void startsAndReportsHealthy() {
    ServiceProbe.Response health = ServiceProbe.get(port, "/healthz");

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
    assertThat(ServiceProbe.get(port, "/healthz/readiness").status()).isEqualTo(200);
    assertThat(ServiceProbe.get(port, "/prometheus").body()).contains("jvm_memory_used_bytes");
  }
}
