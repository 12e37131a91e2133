package app.photobomb.ops.reprocess;

import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.ServiceHealthContract;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=" + ReprocessServiceApplication.CONFIG_NAME)
class ReprocessServiceHealthTest extends ServiceHealthContract {

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, "reprocess_service", DatabaseRole.REPROCESS);
  }

  @Override
  protected DatabaseRole role() {
    return DatabaseRole.REPROCESS;
  }

  @Override
  protected String forbiddenStatement() {
    return "SELECT email FROM users";
  }
}
