package app.photobomb.ops.thumbnail;

import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.testsupport.RealServers;
import app.photobomb.ops.testsupport.ServiceHealthContract;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=" + ThumbnailWorkerApplication.CONFIG_NAME)
class ThumbnailWorkerHealthTest extends ServiceHealthContract {

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    RealServers.register(registry, "thumbnail_worker", DatabaseRole.THUMBNAIL);
    registry.add("photobomb.storage.local.root", () -> System.getProperty("java.io.tmpdir") + "/thumbnail-health");
  }

  @Override
  protected DatabaseRole role() {
    return DatabaseRole.THUMBNAIL;
  }

  @Override
  protected String forbiddenStatement() {
    return "SELECT email FROM users";
  }
}
