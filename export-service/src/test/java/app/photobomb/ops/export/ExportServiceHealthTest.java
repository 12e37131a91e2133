package app.photobomb.ops.export;

import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.ServiceHealthContract;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=" + ExportServiceApplication.CONFIG_NAME)
class ExportServiceHealthTest extends ServiceHealthContract {

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, "export_service", DatabaseRole.EXPORT);
  }

  @Override
  protected DatabaseRole role() {
    return DatabaseRole.EXPORT;
  }

  @Override
  protected String forbiddenStatement() {
    return "DELETE FROM photos";
  }
}
