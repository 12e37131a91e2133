package app.photobomb.ops.scaling;

import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.ServiceHealthContract;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=" + ScalingServiceApplication.CONFIG_NAME)
class ScalingServiceHealthTest extends ServiceHealthContract {

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, "scaling_service", DatabaseRole.SCALING);
  }

  @Override
  protected DatabaseRole role() {
    return DatabaseRole.SCALING;
  }

  @Override
  protected String forbiddenStatement() {
    return "SELECT * FROM photo_files";
  }
}
