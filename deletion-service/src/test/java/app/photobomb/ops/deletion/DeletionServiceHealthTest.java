package app.photobomb.ops.deletion;

import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.ServiceHealthContract;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=" + DeletionServiceApplication.CONFIG_NAME)
class DeletionServiceHealthTest extends ServiceHealthContract {

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, "deletion_service", DatabaseRole.DELETION);
  }

  @Override
  protected DatabaseRole role() {
    return DatabaseRole.DELETION;
  }

  @Override
  protected String forbiddenStatement() {
    return "UPDATE users SET email = 'taken@example.com'";
  }
}
