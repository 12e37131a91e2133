package app.photobomb.ops.localstack;

import app.photobomb.ops.cdn.CdnServiceApplication;
import app.photobomb.ops.deletion.DeletionServiceApplication;
import app.photobomb.ops.export.ExportServiceApplication;
import app.photobomb.ops.platform.PlatformServiceApplication;
import app.photobomb.ops.reprocess.ReprocessServiceApplication;
import app.photobomb.ops.scaling.ScalingServiceApplication;
import app.photobomb.ops.testsupport.DatabaseRole;
import app.photobomb.ops.thumbnail.ThumbnailWorkerApplication;
import java.util.function.Supplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
/** The six services and the thumbnail worker the local stack runs, each in a Spring context of its own. */
/** The six services and the thumbnail worker the local stack runs, each in a Spring context of its own. */
public enum LocalService {
  EXPORT("export-service", 8081, DatabaseRole.EXPORT, ExportServiceApplication::application),
  DELETION("deletion-service", 8082, DatabaseRole.DELETION, DeletionServiceApplication::application),
  REPROCESS("reprocess-service", 8083, DatabaseRole.REPROCESS, ReprocessServiceApplication::application),
  SCALING("scaling-service", 8084, DatabaseRole.SCALING, ScalingServiceApplication::application),
  CDN("cdn-service", 8085, DatabaseRole.CDN, CdnServiceApplication::application),
  THUMBNAIL_WORKER("thumbnail-worker", 8086, DatabaseRole.THUMBNAIL, ThumbnailWorkerApplication::application),
  PLATFORM("platform-service", 8087, DatabaseRole.PLATFORM, PlatformServiceApplication::application);

  private final String serviceName;
  private final int defaultPort;
  private final DatabaseRole role;
  private final Supplier<SpringApplicationBuilder> application;

  LocalService(String serviceName, int defaultPort, DatabaseRole role,
      Supplier<SpringApplicationBuilder> application) {
    this.serviceName = serviceName;
    this.defaultPort = defaultPort;
    this.role = role;
    this.application = application;
  }

  public String serviceName() {
    return serviceName;
  }

  public int defaultPort() {
    return defaultPort;
  }

  /** The database role it connects with. */
  DatabaseRole role() {
    return role;
  }

  String portVariable() {
    return serviceName.toUpperCase().replace('-', '_') + "_PORT";
  }

  SpringApplicationBuilder application() {
    return application.get();
  }
}
