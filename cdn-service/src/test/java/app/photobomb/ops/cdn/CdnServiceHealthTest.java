package app.photobomb.ops.cdn;

import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.RealServersExtension;
import app.photobomb.ops.testsupport.ServiceProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The service starts against the real servers, migrates its database and reports itself healthy. */
@ExtendWith(RealServersExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=" + CdnServiceApplication.CONFIG_NAME)
class CdnServiceHealthTest {

  @LocalServerPort
  int port;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, "cdn_service");
  }

  @Test
  void startsAndReportsHealthy() {
    ServiceProbe.Response health = ServiceProbe.get(port, "/healthz");

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
    assertThat(ServiceProbe.get(port, "/prometheus").body()).contains("jvm_memory_used_bytes");
  }
}
