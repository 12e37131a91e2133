package app.photobomb.ops.cdn;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The cdn-service: see this module's README for what it consumes, emits and touches. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CdnServiceApplication {

  /** Its configuration file is named after the service, so that several services can share one class path. */
  public static final String CONFIG_NAME = "cdn-service";

  public static void main(String[] args) {
    application().run(args);
  }

  public static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(CdnServiceApplication.class).properties("spring.config.name=" + CONFIG_NAME);
  }
}
