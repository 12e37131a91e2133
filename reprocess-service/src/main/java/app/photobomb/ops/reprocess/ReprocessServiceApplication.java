package app.photobomb.ops.reprocess;

import app.photobomb.ops.common.thumbnails.ThumbnailSpec;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The reprocess-service: see this module's README for what it consumes, emits and touches. */
@SpringBootApplication
@ConfigurationPropertiesScan
// the thumbnail spec is shared with the thumbnail-worker: its version names the target of a thumbnails job
@EnableConfigurationProperties(ThumbnailSpec.class)
public class ReprocessServiceApplication {

  /** Its configuration file is named after the service, so that several services can share one class path. */
  public static final String CONFIG_NAME = "reprocess-service";

  public static void main(String[] args) {
    application().run(args);
  }

  public static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(ReprocessServiceApplication.class).properties("spring.config.name=" + CONFIG_NAME);
  }
}
