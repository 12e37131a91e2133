package app.photobomb.ops.cdn;

import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.ServiceHealthContract;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=" + CdnServiceApplication.CONFIG_NAME)
class CdnServiceHealthTest extends ServiceHealthContract {

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, "cdn_service", DatabaseRole.CDN);
  }

  @Override
  protected DatabaseRole role() {
    return DatabaseRole.CDN;
  }

  @Override
  protected String forbiddenStatement() {
    return "SELECT email FROM users";
  }
}
