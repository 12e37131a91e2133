package app.photobomb.ops.localstack;

import app.photobomb.ops.cdn.CdnServiceApplication;
import app.photobomb.ops.deletion.DeletionServiceApplication;
import app.photobomb.ops.export.ExportServiceApplication;
import app.photobomb.ops.reprocess.ReprocessServiceApplication;
import app.photobomb.ops.scaling.ScalingServiceApplication;
import java.util.function.Supplier;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The five services the local stack runs, each in a Spring context of its own. */
public enum LocalService {
  EXPORT("export-service", 8081, ExportServiceApplication::application),
  DELETION("deletion-service", 8082, DeletionServiceApplication::application),
  REPROCESS("reprocess-service", 8083, ReprocessServiceApplication::application),
  SCALING("scaling-service", 8084, ScalingServiceApplication::application),
  CDN("cdn-service", 8085, CdnServiceApplication::application);

  private final String serviceName;
  private final int defaultPort;
  private final Supplier<SpringApplicationBuilder> application;

  LocalService(String serviceName, int defaultPort, Supplier<SpringApplicationBuilder> application) {
    this.serviceName = serviceName;
    this.defaultPort = defaultPort;
    this.application = application;
  }

  public String serviceName() {
    return serviceName;
  }

  public int defaultPort() {
    return defaultPort;
  }

  String portVariable() {
    return serviceName.toUpperCase().replace('-', '_') + "_PORT";
  }

  SpringApplicationBuilder application() {
    return application.get();
  }
}
