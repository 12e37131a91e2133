package app.photobomb.ops.platform;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The platform-service: see this module's README for what it consumes, emits and touches. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PlatformServiceApplication {

  /** Its configuration file is named after the service, so that several services can share one class path. */
  public static final String CONFIG_NAME = "platform-service";

  public static void main(String[] args) {
    application().run(args);
  }

  public static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(PlatformServiceApplication.class)
        .properties("spring.config.name=" + CONFIG_NAME);
  }
}
