package app.photobomb.ops.scaling;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The scaling-service: see this module's README for what it consumes, emits and touches. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ScalingServiceApplication {

  /** Its configuration file is named after the service, so that several services can share one class path. */
  public static final String CONFIG_NAME = "scaling-service";

  public static void main(String[] args) {
    application().run(args);
  }

  public static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(ScalingServiceApplication.class).properties("spring.config.name=" + CONFIG_NAME);
  }
}
