package app.photobomb.ops.thumbnail;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The thumbnail-worker: see this module's README for the queues it takes jobs from and what a job touches. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ThumbnailWorkerApplication {

  /** Its configuration file is named after the worker, so that several services can share one class path. */
  public static final String CONFIG_NAME = "thumbnail-worker";

  public static void main(String[] args) {
    application().run(args);
  }

  public static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(ThumbnailWorkerApplication.class)
        .properties("spring.config.name=" + CONFIG_NAME);
  }
}
