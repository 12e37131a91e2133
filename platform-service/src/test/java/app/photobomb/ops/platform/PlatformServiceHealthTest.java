package app.photobomb.ops.platform;

import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.ServiceHealthContract;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=" + PlatformServiceApplication.CONFIG_NAME,
        "photobomb.platform.google.local=true"})
class PlatformServiceHealthTest extends ServiceHealthContract {

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, "platform_service", DatabaseRole.PLATFORM);
  }

  @Override
  protected DatabaseRole role() {
    return DatabaseRole.PLATFORM;
  }

  @Override
  protected String forbiddenStatement() {
    return "SELECT email FROM users";
  }
}
